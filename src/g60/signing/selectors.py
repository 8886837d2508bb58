"""Reads of the signing keys. The public keys are public by design: anyone may verify a licence."""

from django.db.models import QuerySet

from g60.signing.models import SigningKey


def signing_key_list() -> QuerySet[SigningKey]:
    """Every key, active and retired, oldest first per city."""
    return SigningKey.objects.order_by("city_id", "sequence")
