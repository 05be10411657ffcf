"""Reports to hand out: the 整改通知单 per contractor (XLSX with thumbnails, or PDF), the unit report and the
batch summary (PDF), and the defect list export (XLSX/CSV) under the list's own filters."""

from __future__ import annotations

import base64
import dataclasses
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate
from sqlalchemy import ColumnElement, select

from domain import policy
from domain.errors import DomainError, define
from domain.models import Building, Contractor, Defect, Inspection, Project, Unit
from domain.models.enums import INSPECTION_KIND_ZH
from domain.stats import numbers, rows
from domain.stats.filters import LOCAL, defect_conditions, parse

from ..accounts.auth import current_user, login_required
from ..defects.schemas import DefectQuerySchema
from ..http import dbs
from ..photos import media
from .access import STATS_FORBIDDEN, contractor_scope, in_range, manager_project
from .charts import bars_svg, trend_svg
from .pdf import render_pdf
from .views import now
from .xlsx import small_thumb, stream_file, write_csv_lines, write_xlsx

blp = Blueprint("reports", __name__, url_prefix="/api", description="Reports and exports (报表与导出)")

BAD_EXPORT = define("export_invalid", 422, "The export request is not valid")

NOTICE_COLUMNS = [
    ("number", "编号", 11),
    ("place", "楼栋/单元/房间", 22),
    ("type", "类型", 14),
    ("severity_zh", "严重程度", 14),
    ("description", "问题描述", 36),
    ("photo", "照片", 16),
    ("deadline", "整改期限", 17),
    ("sign", "签收", 12),
]
EXPORT_COLUMNS = [
    ("number", "编号", 11),
    ("building", "楼栋", 8),
    ("unit", "单元房号", 12),
    ("room", "房间", 8),
    ("type", "类型", 14),
    ("severity", "等级", 6),
    ("status_zh", "状态", 8),
    ("description", "问题描述", 36),
    ("contractor", "责任单位", 20),
    ("deadline", "整改期限", 17),
    ("found", "发现时间", 17),
    ("closed", "关闭时间", 17),
    ("repeat_count", "返修次数", 8),
    ("id", "缺陷ID", 38),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stamp() -> str:
    return datetime.now(UTC).astimezone(LOCAL).strftime("%Y%m%d-%H%M")


def _download(body: Any, mimetype: str, filename: str) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "report"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{_quote(filename)}"},
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _xlsx_response(rows_iter: Iterator[dict[str, Any]], columns: Any, title: list[str], name: str, **kw: Any) -> Any:
    with tempfile.NamedTemporaryFile(prefix="export-", suffix=".xlsx", delete=False) as out:
        path = out.name
    write_xlsx(path, rows_iter, columns, title=title, **kw)
    return _download(stream_file(path), XLSX, name)


ID_RANGE = validate.Range(min=1, max=2**31 - 1)


class ExportQuerySchema(DefectQuerySchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
    project_id = fields.Integer(validate=ID_RANGE)
    unit_id = fields.Integer(validate=ID_RANGE)
    contractor_id = fields.Integer(validate=ID_RANGE)


@blp.route("/defects/export")
@login_required()
def export_defects() -> Any:
    """The defect list as XLSX or CSV, under the list's filters (project_id, unit_id, contractor_id,
    status), scoped like the list: staff their projects, a crew its contractor's defects."""
    user = current_user()
    if user.role == "homeowner":
        raise DomainError(STATS_FORBIDDEN, "业主不能导出列表 / Homeowners do not export lists")
    args = {k: (request.args.getlist(k) if k == "status" else request.args.get(k)) for k in request.args}
    try:
        query = ExportQuerySchema().load(args)
    except ValidationError as exc:
        raise DomainError(BAD_EXPORT, "导出条件有误 / Invalid export filters", errors={"query": exc.messages}) from None
    conds: list[ColumnElement[bool]] = [policy.defect_filter(user)]
    for key in ("project_id", "unit_id", "contractor_id"):
        if key in query:
            conds.append(getattr(Defect, key) == query[key])
    if query.get("status"):
        conds.append(Defect.status.in_(query["status"]))
    source = rows.stream(dbs(), conds)
    name = f"缺陷清单-{_stamp()}"
    if query["format"] == "csv":
        return _download(write_csv_lines(source, EXPORT_COLUMNS), "text/csv; charset=utf-8", f"{name}.csv")
    return _xlsx_response(source, EXPORT_COLUMNS, [f"缺陷清单 导出于 {_stamp()}"], f"{name}.xlsx")


def _notice_scope(project_id: int) -> tuple[Project, Contractor, list[ColumnElement[bool]], str]:
    project, only = contractor_scope(project_id)
    f = parse(request.args, allowed_extra=("format",))
    if f.contractor_id is None and only is None:
        raise DomainError(BAD_EXPORT, "请选择承建商 / Choose a contractor (contractor_id)")
    if only is not None and f.contractor_id not in (None, only):
        raise DomainError("not_found", "承建商不存在 / No such contractor")
    f = dataclasses.replace(f, contractor_id=only if only is not None else f.contractor_id)
    contractor = dbs().get(Contractor, f.contractor_id)
    if contractor is None:
        raise DomainError("not_found", "承建商不存在 / No such contractor")
    scope = project.name
    if f.inspection_id is not None:
        insp = dbs().get(Inspection, f.inspection_id)
        if insp is None or insp.project_id != project_id:
            raise DomainError("not_found", "批次不存在 / No such inspection")
        scope += f" · {insp.name}（{INSPECTION_KIND_ZH.get(insp.kind, insp.kind)}）"
    if f.building_id is not None:
        building = dbs().get(Building, f.building_id)
        if building is None or building.project_id != project_id:
            raise DomainError("not_found", "楼栋不存在 / No such building")
        scope += f" · {building.name}"
    conds = [*defect_conditions(project_id, f), Defect.status.in_(rows.NOTICE_STATUSES)]
    return project, contractor, conds, scope


@blp.route("/projects/<int:project_id>/notices")
@login_required()
def rectification_notice(project_id: int) -> Any:
    """整改通知单 for one contractor (contractor_id; a crew gets its own) in a batch (inspection_id) or a
    building (building_id): the open and assigned defects with a thumbnail, deadline and a 签收 column.
    format=xlsx (default) or pdf."""
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        raise DomainError(BAD_EXPORT, "format 应为 xlsx 或 pdf / format must be xlsx or pdf")
    project, contractor, conds, scope = _notice_scope(project_id)
    title = [f"整改通知单 · {contractor.name}", scope, f"签发日期 {datetime.now(UTC).astimezone(LOCAL):%Y-%m-%d}"]
    name = f"整改通知单-{contractor.name}-{_stamp()}"
    source = rows.stream(dbs(), conds)
    if fmt == "xlsx":
        return _xlsx_response(
            source, NOTICE_COLUMNS, title, f"{name}.xlsx", storage=media().storage, photo_column="photo"
        )
    with tempfile.TemporaryDirectory(prefix="notice-") as folder:
        items = []
        for row in source:
            row["thumb"] = _data_uri(row["photo"], folder)
            items.append(row)
        pdf = render_pdf("notice.html", title="整改通知单", heading=title, rows=items, orientation="landscape")
    return _download(pdf, "application/pdf", f"{name}.pdf")


def _data_uri(sha256: str | None, folder: str) -> str | None:
    if not sha256:
        return None
    thumb = small_thumb(media().storage, sha256, folder)
    if thumb is None:
        return None
    with open(thumb[0], "rb") as fh:
        return "data:image/jpeg;base64," + base64.b64encode(fh.read()).decode()


@blp.route("/units/<int:unit_id>/report.pdf")
@login_required()
def unit_report(unit_id: int) -> Any:
    """A unit's defects, their status and deadlines (managers and admins of the project)."""
    unit = dbs().get(Unit, unit_id) if in_range(unit_id) else None
    if unit is None or not policy.can_see_unit(dbs(), current_user(), unit_id):
        raise DomainError("not_found", "房号不存在 / No such unit")
    project = manager_project(unit.project_id)
    items = list(rows.stream(dbs(), [Defect.unit_id == unit_id, Defect.status != "void"]))
    counts = {s: sum(1 for r in items if r["status"] == s) for s in rows.STATUS_ZH}
    pdf = render_pdf(
        "unit.html",
        title="分户验收报告",
        project=project,
        unit_label=unit.label,
        rows=items,
        counts=counts,
        status_zh=rows.STATUS_ZH,
        printed=_stamp(),
    )
    return _download(pdf, "application/pdf", f"分户报告-{unit.label}.pdf")


@blp.route("/projects/<int:project_id>/stats/report.pdf")
@login_required()
def batch_summary(project_id: int) -> Any:
    """The batch summary: the numbers of /stats under the same filters, top types, the contractor table
    and the trend chart."""
    project = manager_project(project_id)
    f = parse(request.args)
    stats = numbers.project_stats(dbs(), project_id, f, now())
    caption = project.name
    if f.inspection_id is not None:
        insp = dbs().get(Inspection, f.inspection_id)
        if insp is not None and insp.project_id == project_id:
            caption += f" · {insp.name}"
    if f.building_id is not None:
        b = dbs().scalar(select(Building.name).where(Building.id == f.building_id, Building.project_id == project_id))
        caption += f" · {b or ''}"
    pdf = render_pdf(
        "summary.html",
        title="批次统计汇总",
        caption=caption,
        stats=stats,
        n=stats["numbers"],
        pct=_pct,
        trend_svg=trend_svg(stats["trend"]),
        types_svg=bars_svg([(t["name_zh"], t["defects"]) for t in stats["top_types"]]),
        printed=_stamp(),
    )
    return _download(pdf, "application/pdf", f"统计汇总-{_stamp()}.pdf")


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"
