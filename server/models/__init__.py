"""The domain model in plain SQLAlchemy (no Flask), so ``sync/`` and scripts can use it directly."""

from .account import ApiToken, HomeownerUnit, Invitation, LoginFailure, Membership, User
from .base import Base, UTCDateTime, new_uuid, utcnow
from .defect import Defect, DefectComment, DefectHistory, DefectPhoto, Inspection
from .library import DefectArea, DefectType
from .project import Building, Contractor, PlanType, Project, Room, Unit

__all__ = [
    "ApiToken",
    "Base",
    "Building",
    "Contractor",
    "Defect",
    "DefectArea",
    "DefectComment",
    "DefectHistory",
    "DefectPhoto",
    "DefectType",
    "HomeownerUnit",
    "Inspection",
    "Invitation",
    "LoginFailure",
    "Membership",
    "PlanType",
    "Project",
    "Room",
    "UTCDateTime",
    "Unit",
    "User",
    "new_uuid",
    "utcnow",
]
