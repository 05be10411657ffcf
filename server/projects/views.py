"""Project set-up: projects, buildings, 户型 with rooms, units (and their import), contractors, inspections."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from domain import policy
from domain.errors import DomainError
from domain.models import Building, Contractor, Inspection, Photo, PlanType, Project, Room, Unit
from domain.stats import gate as delivery_gate
from sync.codes import PHOTO_NOT_YOURS

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort, dbs
from . import unit_import
from .schemas import (
    BuildingSchema,
    ContractorSchema,
    ImportFileSchema,
    ImportResultSchema,
    InspectionSchema,
    PlanTypeSchema,
    PlanTypeUpdateSchema,
    ProjectSchema,
    UnitQuerySchema,
    UnitSchema,
)

blp = Blueprint("projects", __name__, url_prefix="/api", description="Projects, buildings, units and contractors")
STAFF = ("admin", "manager", "inspector")


def visible_project(project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or not policy.can_see_project(dbs(), current_user(), project_id):
        abort(404, message="项目不存在 / No such project")
    return project


def managed_project(project_id: int) -> Project:
    project = visible_project(project_id)
    if not policy.can_manage_project(dbs(), current_user(), project_id):
        abort(403, message="只有管理员或项目经理可以修改项目设置 / Only admins and project managers change set-up")
    return project


@blp.route("/projects")
class Projects(MethodView):
    decorators = [login_required()]

    @blp.response(200, ProjectSchema(many=True))
    def get(self) -> Any:
        """Projects the caller may see."""
        stmt = select(Project).where(policy.project_filter(current_user())).order_by(Project.id)
        return db.session.scalars(stmt).all()

    @blp.arguments(ProjectSchema)
    @blp.response(201, ProjectSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a project (admin)."""
        if current_user().role != "admin":
            abort(403, message="只有管理员可以创建项目 / Only admins create projects")
        if db.session.scalar(select(Project.id).where(Project.code == body["code"])) is not None:
            abort(409, message=f"项目编号已存在 / Project code {body['code']} exists")
        project = Project(**body)
        db.session.add(project)
        db.session.commit()
        return project


@blp.route("/projects/<int:project_id>")
@login_required()
@blp.response(200, ProjectSchema)
def get_project(project_id: int) -> Any:
    return visible_project(project_id)


@blp.route("/projects/<int:project_id>/buildings")
class Buildings(MethodView):
    decorators = [login_required()]

    @blp.response(200, BuildingSchema(many=True))
    def get(self, project_id: int) -> Any:
        visible_project(project_id)
        user = current_user()
        if user.role in ("admin", "manager", "inspector"):
            stmt = select(Building).where(Building.project_id == project_id)
        else:
            stmt = select(Building).where(Building.id.in_(select(Unit.building_id).where(policy.unit_filter(user))))
        return db.session.scalars(stmt.order_by(Building.id)).all()

    @blp.arguments(BuildingSchema)
    @blp.response(201, BuildingSchema)
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        managed_project(project_id)
        exists = select(Building.id).where(Building.project_id == project_id, Building.code == body["code"])
        if db.session.scalar(exists) is not None:
            abort(409, message=f"楼栋 {body['code']} 已存在 / Building {body['code']} exists")
        building = Building(project_id=project_id, **body)
        db.session.add(building)
        db.session.commit()
        return building


@blp.route("/projects/<int:project_id>/plan-types")
class PlanTypes(MethodView):
    decorators = [login_required()]

    @blp.response(200, PlanTypeSchema(many=True))
    def get(self, project_id: int) -> Any:
        """户型 with their rooms (every role that sees the project needs the plans)."""
        visible_project(project_id)
        return db.session.scalars(select(PlanType).where(PlanType.project_id == project_id).order_by(PlanType.id)).all()

    @blp.arguments(PlanTypeSchema)
    @blp.response(201, PlanTypeSchema)
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        managed_project(project_id)
        exists = select(PlanType.id).where(PlanType.project_id == project_id, PlanType.code == body["code"])
        if db.session.scalar(exists) is not None:
            abort(409, message=f"户型 {body['code']} 已存在 / Plan type {body['code']} exists")
        rooms = body.pop("rooms")
        codes = [r["code"] for r in rooms]
        if len(codes) != len(set(codes)):
            abort(422, message="房间编号重复 / Room codes must be unique within a plan type")
        plan = PlanType(project_id=project_id, **body)
        plan.rooms = [Room(position=i, **r) for i, r in enumerate(rooms)]
        db.session.add(plan)
        db.session.commit()
        return plan


@blp.route("/plan-types/<int:plan_type_id>", methods=["PATCH"])
@login_required()
@blp.arguments(PlanTypeUpdateSchema)
@blp.response(200, PlanTypeSchema)
def update_plan_type(body: dict[str, Any], plan_type_id: int) -> Any:
    """Rename a 户型 or set its floor-plan image (upload the image as a photo first, then name its hash)."""
    plan = db.session.get(PlanType, plan_type_id)
    if plan is None or not policy.can_see_project(dbs(), current_user(), plan.project_id):
        abort(404, message="户型不存在 / No such plan type")
    managed_project(plan.project_id)
    if body.get("plan_sha256"):
        photo = db.session.get(Photo, body["plan_sha256"])
        if photo is None:
            abort(422, message="请先上传户型图 / Upload the plan image first (PUT /api/photos/<sha256>)")
        if not policy.can_see_photo(dbs(), current_user(), photo.sha256):  # the same rule as attaching in sync
            raise DomainError(PHOTO_NOT_YOURS, "只能使用您上传或可查看的图片 / Use an image you uploaded or may see")
        plan.plan_width, plan.plan_height = photo.width, photo.height
    elif "plan_sha256" in body:
        plan.plan_width = plan.plan_height = None
    for key, value in body.items():
        setattr(plan, key, value)
    db.session.commit()
    return plan


def unit_payload(unit: Unit) -> dict[str, Any]:
    return {
        c: getattr(unit, c)
        for c in ("id", "project_id", "building_id", "entrance", "floor", "number", "plan_type_id", "area_m2", "label")
    }


@blp.route("/projects/<int:project_id>/units")
@login_required()
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, UnitSchema(many=True))
def list_units(query: dict[str, Any], project_id: int) -> Any:
    """Units of a project the caller may see, optionally one building or floor."""
    visible_project(project_id)
    stmt = select(Unit).where(Unit.project_id == project_id, policy.unit_filter(current_user()))
    if "building_id" in query:
        stmt = stmt.where(Unit.building_id == query["building_id"])
    if "floor" in query:
        stmt = stmt.where(Unit.floor == query["floor"])
    stmt = stmt.order_by(Unit.building_id, Unit.entrance, Unit.floor, Unit.number)
    return [unit_payload(u) for u in db.session.scalars(stmt)]


@blp.route("/units/<int:unit_id>")
@login_required()
@blp.response(200, UnitSchema)
def get_unit(unit_id: int) -> Any:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not policy.can_see_unit(dbs(), current_user(), unit_id):
        abort(404, message="房号不存在 / No such unit")
    return unit_payload(unit)


@blp.route("/projects/<int:project_id>/units/import", methods=["POST"])
@login_required("admin", "manager")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportResultSchema)
def import_units(files: dict[str, FileStorage], project_id: int) -> Any:
    """Import units from CSV or XLSX. Any bad row refuses the whole file, with every row's errors."""
    managed_project(project_id)
    upload = files["file"]
    data = upload.read()
    try:
        rows = unit_import.read_rows(upload.filename or "", data, current_app.config["IMPORT_MAX_ROWS"])
        result = unit_import.import_units(dbs(), project_id, rows)
    except unit_import.ImportError_ as exc:
        db.session.rollback()
        abort(422, message=exc.message, errors={"rows": exc.errors})
    db.session.commit()
    return result


@blp.route("/contractors")
class Contractors(MethodView):
    decorators = [login_required()]

    @blp.response(200, ContractorSchema(many=True))
    def get(self) -> Any:
        """Contractors: staff see all (to dispatch); a crew sees its own; homeowners none."""
        user = current_user()
        stmt = select(Contractor).order_by(Contractor.id)
        if user.role == "crew":
            stmt = stmt.where(Contractor.id == user.contractor_id)
        elif user.role not in STAFF:
            abort(403, message="当前角色无权查看承建商 / Your role may not list contractors")
        return db.session.scalars(stmt).all()

    @blp.arguments(ContractorSchema)
    @blp.response(201, ContractorSchema)
    def post(self, body: dict[str, Any]) -> Any:
        if current_user().role != "admin":
            abort(403, message="只有管理员可以添加承建商 / Only admins add contractors")
        if db.session.scalar(select(Contractor.id).where(Contractor.name == body["name"])) is not None:
            abort(409, message="承建商已存在 / A contractor with that name exists")
        contractor = Contractor(**body)
        db.session.add(contractor)
        db.session.commit()
        return contractor


@blp.route("/projects/<int:project_id>/inspections")
class Inspections(MethodView):
    decorators = [login_required()]

    @blp.response(200, InspectionSchema(many=True))
    def get(self, project_id: int) -> Any:
        visible_project(project_id)
        stmt = select(Inspection).where(Inspection.project_id == project_id).order_by(Inspection.started_on)
        user = current_user()
        if user.role == "homeowner":
            stmt = stmt.where(Inspection.kind.in_(policy.CUSTOMER_FACING_KINDS))
        return db.session.scalars(stmt).all()

    @blp.arguments(InspectionSchema)
    @blp.response(201, InspectionSchema)
    def post(self, body: dict[str, Any], project_id: int) -> Any:
        """Open an inspection round (检查批次): inspectors and managers of the project."""
        visible_project(project_id)
        user = current_user()
        if user.role not in STAFF:
            abort(403, message="只有检查人员可以创建检查批次 / Only staff open inspections")
        if body["building_id"] is not None:
            b = db.session.get(Building, body["building_id"])
            if b is None or b.project_id != project_id:
                abort(422, message="楼栋不属于该项目 / building_id is not in this project")
        if body["id"] is not None and db.session.get(Inspection, body["id"]) is not None:
            existing = db.session.get(Inspection, body["id"])
            if existing is not None and existing.project_id == project_id:
                return existing  # a retried create from an offline device
            abort(409, message="检查批次编号冲突 / That inspection id is taken")
        if body["id"] is None:
            body.pop("id")
        if body["kind"] == "delivery":
            delivery_gate.require_permits(dbs(), project_id, body["building_id"])  # 交付许可令 first
        insp = Inspection(project_id=project_id, created_by_id=user.id, **body)
        db.session.add(insp)
        db.session.commit()
        return insp
