import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from g60.accounts.models import Membership, Role
from g60.accounts.permissions import Action, can
from g60.accounts.services import membership_grant, membership_revoke
from g60.audit.models import AuditEvent
from g60.regions.models import City
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.mark.django_db
class TestMembershipGrant:
    def test_grant_is_audited_and_takes_effect(self) -> None:
        admin = UserFactory()
        MembershipFactory(user=admin, role=Role.ADMIN, city=None)
        user = UserFactory()
        jiaxing = City.objects.get(code="330400")
        assert not can(user, Action.APPLICATION_ACCEPT, jiaxing)
        membership_grant(acting_user=admin, user=user, role=Role.CLERK, city=jiaxing)
        assert can(user, Action.APPLICATION_ACCEPT, jiaxing)
        event = AuditEvent.objects.get(action="membership.grant", object_id=str(user.memberships.get().pk))
        assert event.actor_id == admin.pk
        assert event.after == {"user": user.username, "role": "clerk", "city": "330400"}

    def test_grant_twice_changes_nothing(self) -> None:
        user = UserFactory()
        membership_grant(acting_user=None, user=user, role=Role.APPLICANT, city=None)
        count = AuditEvent.objects.count()
        membership_grant(acting_user=None, user=user, role=Role.APPLICANT, city=None)
        assert Membership.objects.filter(user=user).count() == 1
        assert AuditEvent.objects.count() == count

    def test_city_role_without_city_is_refused_by_field(self) -> None:
        with pytest.raises(ValidationError) as exc:
            membership_grant(acting_user=None, user=UserFactory(), role=Role.EXAMINER, city=None)
        assert "city" in exc.value.message_dict

    def test_city_admin_cannot_grant_in_another_city(self) -> None:
        admin = UserFactory()
        MembershipFactory(user=admin, role=Role.ADMIN, city_id="330400")
        with pytest.raises(PermissionDenied):
            membership_grant(
                acting_user=admin, user=UserFactory(), role=Role.CLERK, city=City.objects.get(code="310117")
            )
        assert not Membership.objects.filter(role=Role.CLERK).exists()

    def test_revoke_removes_the_role(self) -> None:
        admin = UserFactory(is_superuser=True)
        user = UserFactory()
        membership = MembershipFactory(user=user, role=Role.CLERK, city_id="330400")
        membership_revoke(acting_user=admin, membership=membership)
        assert not can(user, Action.APPLICATION_ACCEPT, "330400")
        assert AuditEvent.objects.filter(action="membership.revoke").count() == 1


@pytest.mark.django_db
def test_database_refuses_a_clerk_without_city() -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.CLERK, city=None)


def test_platform_hashes_passwords_with_argon2() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import g60.settings as platform_settings

    assert platform_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode("a-password-0001", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$") and Argon2PasswordHasher().verify("a-password-0001", encoded)
