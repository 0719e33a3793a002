"""What other plugins may call (declare ``canteen`` in ``depends`` or ``optional`` first).

The compliance plugin shows the data-protection record of who saw beneficiaries' sensitive
data; it reads it here instead of importing the canteen's models.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.canteen.models import Beneficiary, SensitiveAccess


@dataclass(frozen=True)
class SensitiveAccessRow:
    at: datetime
    user_id: int | None
    username: str
    beneficiary_id: int
    beneficiary_name: str  # empty when the person was erased
    action: str  # "view", "edit" or "export"


def sensitive_accesses(session: Session, *, beneficiary_id: int | None = None,
                       since: datetime | None = None, limit: int = 500
                       ) -> list[SensitiveAccessRow]:
    """Who saw which beneficiary's sensitive data and when, newest first."""
    stmt = (select(SensitiveAccess, Beneficiary)
            .outerjoin(Beneficiary, Beneficiary.id == SensitiveAccess.beneficiary_id)
            .order_by(SensitiveAccess.at.desc(), SensitiveAccess.id.desc()).limit(limit))
    if beneficiary_id is not None:
        stmt = stmt.where(SensitiveAccess.beneficiary_id == beneficiary_id)
    if since is not None:
        stmt = stmt.where(SensitiveAccess.at >= since)
    return [SensitiveAccessRow(a.at, a.user_id, a.username, a.beneficiary_id,
                               b.full_name if b is not None else "", a.action)
            for a, b in session.execute(stmt)]
