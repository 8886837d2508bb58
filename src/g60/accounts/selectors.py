from django.db.models import QuerySet

from g60.accounts.models import Membership, User


def membership_list(*, user: User) -> QuerySet[Membership]:
    """A user's own memberships (shown on their account page)."""
    return Membership.objects.filter(user=user).select_related("city")
