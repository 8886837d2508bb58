"""Choices and limits of the one-network workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
