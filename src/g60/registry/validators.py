"""Django validators wrapping the identifier and classification checks, each raising the broken rule."""

from django.core.exceptions import ValidationError

from g60.registry.identifiers import resident_id_error, uscc_error
from g60.registry.industry import industry_class_error


def validate_uscc(value: str) -> None:
    error = uscc_error(value)
    if error is not None:
        raise ValidationError(error, code="uscc")


def validate_resident_id(value: str) -> None:
    error = resident_id_error(value)
    if error is not None:
        raise ValidationError(error, code="resident_id")


def validate_industry_class(value: str) -> None:
    error = industry_class_error(value)
    if error is not None:
        raise ValidationError(error, code="industry_class")
