"""The forms of the application's steps. They parse and render; the rules live in services.py and names.py,
whose field errors are put back on the form (`errors_onto`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from g60.onenetwork.constants import (
    ADDRESS_MAX_LENGTH,
    BUSINESS_SCOPE_MAX_LENGTH,
    LEGAL_REPRESENTATIVE_MAX_LENGTH,
    NAME_EN_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    DocumentKind,
)
from g60.regions.models import City
from g60.registry.constants import EnterpriseType


def _city_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(c.code, f"{c.name} ({c.code})") for c in City.objects.all()]


class TextareaField(forms.CharField):
    """Text typed in a textarea, its line breaks sent as CRLF made LF before the length is checked: a browser
    counts a line break as one character against the textarea's maxlength, and would let through text that is
    then refused as too long."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: object) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text


class CompanyForm(forms.Form):
    name = forms.CharField(
        label=_("Company name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Division + trade name + industry + organisational form, e.g. 嘉兴天上地下汽车销售有限公司."),
    )
    name_en = forms.CharField(label=_("English name"), max_length=NAME_EN_MAX_LENGTH, required=False)
    domicile_city = forms.ChoiceField(
        label=_("Domicile city (registration authority)"), help_text=_("Where the company is domiciled.")
    )
    window_city = forms.ChoiceField(
        label=_("Window city"), help_text=_("Where you hand in the papers; it may differ from the domicile.")
    )
    form = forms.ChoiceField(label=_("Legal form"), choices=EnterpriseType.choices)
    registered_capital_wan = forms.DecimalField(
        label=_("Registered capital (10,000 yuan)"), max_digits=18, decimal_places=4, min_value=0, required=False
    )
    industry_code = forms.CharField(
        label=_("Industry class (GB/T 4754)"), max_length=5, required=False, help_text=_("e.g. I6513")
    )
    address = forms.CharField(label=_("Registered address"), max_length=ADDRESS_MAX_LENGTH, required=False)
    business_scope = TextareaField(label=_("Business scope"), max_length=BUSINESS_SCOPE_MAX_LENGTH, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = _city_choices()
        self.fields["domicile_city"].choices = choices  # type: ignore[attr-defined]
        self.fields["window_city"].choices = choices  # type: ignore[attr-defined]


class PeopleForm(forms.Form):
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=LEGAL_REPRESENTATIVE_MAX_LENGTH)
    legal_representative_id_number = forms.CharField(
        label=_("Legal representative's resident ID number"), max_length=18, min_length=18
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("PDF file"), help_text=_("PDF only, at most 10 MB."))


class ReasonForm(forms.Form):
    reason = TextareaField(label=_("Reason"), max_length=REASON_MAX_LENGTH, required=False)


def errors_onto(form: forms.Form, error: ValidationError) -> dict[str, list[str]]:
    """Put a service's field errors on the form; return those that belong to no field of it."""
    rest: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
        else:
            rest[field] = list(messages)
    return rest
