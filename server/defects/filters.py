"""The defect list's filters, one line each: the query parameter, its field, the condition it adds.
Every filter narrows what the caller's role may already see (the policy filter always applies)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import fields, validate
from sqlalchemy import not_, select

from domain.followup.filters import overdue
from domain.models import Defect, DefectType, Unit, utcnow
from domain.models.enums import SEVERITIES, STATUSES

from ..fields import Id, Int
from ..query import Filters

_CATEGORY = fields.List(fields.String(validate=validate.Length(min=1, max=20)), validate=validate.Length(max=20))

DEFECT_FILTERS = Filters()
add = DEFECT_FILTERS.add
add("project_id", Id(), lambda v: Defect.project_id == v)
add("unit_id", Id(), lambda v: Defect.unit_id == v)
add("building_id", Id(), lambda v: Defect.unit_id.in_(select(Unit.id).where(Unit.building_id == v)))
add("contractor_id", Id(), lambda v: Defect.contractor_id == v)
add("inspection_id", fields.UUID(), lambda v: Defect.inspection_id == v)
add("type_id", fields.List(Id(), validate=validate.Length(max=200)), lambda v: Defect.type_id.in_(v))
add("category", _CATEGORY, lambda v: Defect.type_id.in_(select(DefectType.id).where(DefectType.category.in_(v))))
add("severity", fields.List(fields.String(validate=validate.OneOf(SEVERITIES))), lambda v: Defect.severity.in_(v))
add("status", fields.List(fields.String(validate=validate.OneOf(STATUSES))), lambda v: Defect.status.in_(v))
add(
    "q",
    fields.String(validate=validate.Length(min=1, max=200)),
    lambda v: Defect.description.icontains(v, autoescape=True),
)
# Follow-up: past the response or fix deadline, fix deadline before a time, at least this escalation level.
add("overdue", fields.Boolean(), lambda v: overdue(utcnow()) if v else not_(overdue(utcnow())))
add("due_before", fields.DateTime(), lambda v: Defect.fix_due_at < (v if v.tzinfo else v.replace(tzinfo=UTC)))
add("escalation_level", Int(validate=validate.Range(min=0, max=10)), lambda v: Defect.escalation_level >= v)
# 业主提出: what the owner pointed out during a walkthrough (true), or everything else (false).
add("owner_raised", fields.Boolean(), lambda v: Defect.owner_raised.is_(v))
