"""Choices and limits of the one-network workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from g60.registry.constants import BUSINESS_SCOPE_MAX_LENGTH as REGISTER_BUSINESS_SCOPE_MAX_LENGTH


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    UNDER_EXAMINATION = "under_examination", _("Under examination")
    APPROVED = "approved", _("Approved")
    LICENCE_ISSUED = "licence_issued", _("Licence issued")
    RETURNED = "returned_for_correction", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ShareholderKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


class DocumentKind(models.TextChoices):
    ARTICLES = "articles", _("Articles of association")
    IDENTITY = "identity", _("Identity documents")
    ADDRESS = "address", _("Proof of the registered address")
    OTHER = "other", _("Other")


# Time limits in working days. The window accepts or returns a submitted application within two working days;
# the registrar decides within three working days of acceptance (市场主体登记管理条例 Art. 19: three working
# days where registration cannot be done on the spot).
ACCEPTANCE_WORKING_DAYS = 2
EXAMINATION_WORKING_DAYS = 3

# A declared name is reserved for two months (企业名称登记管理规定 Art. 18; standards §7.4).
NAME_RESERVATION_DAYS = 61

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPES = ("application/pdf", "application/x-pdf")

# Free text a user types, at most this many characters (after the surrounding spaces are stripped). The one place
# for the model fields, the pages' forms, the API's schemas and the services, which all refuse longer text with an
# error naming the field. Text with no limit was stored as sent (100,000 characters of business scope or reason).
NAME_MAX_LENGTH = 100  # a company name (企业名称): a few dozen characters in practice
# Each of a name's four parts (division, trade name, industry, organisational form), stored in columns of this length.
# The name check refuses a longer trade name or industry wording (a trade name has two to a dozen characters).
NAME_PART_MAX_LENGTH = 32
NAME_EN_MAX_LENGTH = 255
LEGAL_REPRESENTATIVE_MAX_LENGTH = 64  # a person's name
ADDRESS_MAX_LENGTH = 255  # 住所: province, city, district, street, number, room
# 经营范围: the register's limit (2,000 characters; a licence prints a few hundred at most), as the issued licence
# copies the scope into the register, whose model refuses more.
BUSINESS_SCOPE_MAX_LENGTH = REGISTER_BUSINESS_SCOPE_MAX_LENGTH
SHAREHOLDER_NAME_MAX_LENGTH = 100  # a person's or a company's name (the same length as a company name)
# The reason given when an application is returned, rejected or withdrawn or a licence is revoked: the applicant
# reads it on the timeline and in the notification email.
REASON_MAX_LENGTH = 2000
DOCUMENT_NAME_MAX_LENGTH = 255  # the uploaded file's own name: file systems' limit, and Django's for uploads

# The application's free-text fields and their limits (the other fields are codes or choices, checked by their rules).
APPLICATION_TEXT_MAX_LENGTHS = {
    "name": NAME_MAX_LENGTH,
    "name_en": NAME_EN_MAX_LENGTH,
    "legal_representative": LEGAL_REPRESENTATIVE_MAX_LENGTH,
    "address": ADDRESS_MAX_LENGTH,
    "business_scope": BUSINESS_SCOPE_MAX_LENGTH,
}
