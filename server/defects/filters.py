"""The defect list's filters, one line each: the query parameter, its field, the condition it adds.
Every filter narrows what the caller's role may already see (the policy filter always applies)."""

from __future__ import annotations

from marshmallow import fields, validate
from sqlalchemy import select

from domain.models import Defect, DefectType, Unit
from domain.models.enums import SEVERITIES, STATUSES

from ..fields import Id
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
