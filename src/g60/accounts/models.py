"""Users and their memberships: a membership is one role held for one city (user × city × role)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from g60.regions.models import City


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    CLERK = "clerk", _("Acceptance clerk")
    EXAMINER = "examiner", _("Registration examiner")
    IP_OFFICER = "ip_officer", _("IP officer")
    ANALYST = "analyst", _("Corridor analyst")
    ADMIN = "admin", _("Administrator")


# Roles that are always held for one city: a Jiaxing examiner examines Jiaxing registrations only.
CITY_ROLES = frozenset({Role.CLERK, Role.EXAMINER, Role.IP_OFFICER})
# Roles that may be held for one city or, with no city, for the whole corridor.
CORRIDOR_ROLES = frozenset({Role.ANALYST, Role.ADMIN})


class User(AbstractUser):
    """A person using the platform. Custom from the start so that fields can be added without pain."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """One role held by one user, for one city (or for none: applicants, corridor-wide analysts/admins)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    granted_on = models.DateTimeField(_("granted on"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "role", "city_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "city"], name="membership_unique_user_role_city"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(city__isnull=True),
                name="membership_unique_user_role_without_city",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in CITY_ROLES)) | Q(city__isnull=False),
                name="membership_city_role_has_city",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.APPLICANT) | Q(city__isnull=True),
                name="membership_applicant_has_no_city",
            ),
        ]

    def __str__(self) -> str:
        role = self.get_role_display()
        return f"{role} · {self.city}" if self.city_id else str(role)
