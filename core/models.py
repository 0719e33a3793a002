"""Imports every core model so that Base.metadata knows all core tables."""
from core.audit.models import AuditEntry  # noqa: F401
from core.auth.models import LoginAttempt, Permission, Role, User  # noqa: F401
from core.documents.models import IssuedDocument  # noqa: F401
from core.partners.models import Partner, PartnerAddress, PartnerContact  # noqa: F401
from core.plugin_manager import PluginState  # noqa: F401
from core.sequences import SequenceCounter, SequenceDefinition  # noqa: F401
from core.settings import Setting  # noqa: F401
