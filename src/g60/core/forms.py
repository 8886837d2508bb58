"""Django forms used to check a view's input before it reaches a service."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def form_cleaned(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or a ValidationError whose messages start with the bad field's label. For views
    that pass a POST's values on to a service and show what is wrong as messages above the page, away from the
    field itself (a reason with a NUL character, which PostgreSQL cannot store)."""
    if not form.is_valid():
        raise ValidationError(
            {
                name: [f"{form.fields[name].label}: {error}" if name in form.fields else str(error) for error in errors]
                for name, errors in form.errors.items()
            }
        )
    return form.cleaned_data
