from django.db import models
from django.utils.translation import gettext_lazy as _

# The longest business scope of an enterprise, in characters (Enterprise.business_scope; the import checks it).
BUSINESS_SCOPE_MAX_LENGTH = 2000


class EnterpriseType(models.TextChoices):
    COMPANY = "company", _("Limited liability company")
    JOINT_STOCK_COMPANY = "joint_stock_company", _("Joint-stock company")
    BRANCH = "branch", _("Branch")
    PARTNERSHIP = "partnership", _("Partnership")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    COOPERATIVE = "cooperative", _("Farmers' cooperative")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")
    REVOKED = "revoked", _("Revoked")


class EnterpriseSource(models.TextChoices):
    IMPORT = "import", _("Imported")
    ONENETWORK = "onenetwork", _("Registered through one network")
    GENERATED = "generated", _("Generated demo data")


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# What each change of an enterprise's history was, by the service's action (EnterpriseChange.action).
ENTERPRISE_CHANGE_LABELS = {
    "enterprise.register": _("Registered"),
    "enterprise.update": _("Changed"),
    "enterprise.import": _("Changed by an import"),
    "enterprise.archive": _("Archived"),
    "enterprise.unarchive": _("Put back on the public register"),
}
