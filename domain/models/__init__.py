"""The domain model in plain SQLAlchemy (no Flask), so ``sync/`` and scripts can use it directly."""

from . import photo_list, scope_version  # noqa: F401  (register the hooks that keep photo lists and scope versions in step)
from .account import ApiToken, HomeownerUnit, Invitation, LoginFailure, Membership, User
from .base import Base, UTCDateTime, new_uuid, utcnow
from .defect import (
    Defect,
    DefectComment,
    DefectHistory,
    DefectPhoto,
    Inspection,
    InspectionCheckin,
    UnitInspection,
)
from .delivery import DeliveryGateSettings, DeliveryPermit
from .followup import (
    ContractorRoute,
    DeadlinePolicy,
    Escalation,
    EscalationStep,
    FollowupChange,
    FollowupSettings,
    InboxMessage,
    NotifySettings,
    OutboxMessage,
    TypeDeadline,
    Webhook,
)
from .library import DefectArea, DefectType
from .photo import Photo, PhotoAnnotation, PhotoJob, PhotoUpload, PhotoUploadChunk, PhotoUploader
from .project import Building, Contractor, PlanType, Project, Room, Unit
from .sync import AppliedMutation, Conflict, Device, StatusCommand, SyncChange, SyncCounter
from .walkthrough import Walkthrough

__all__ = [
    "ApiToken",
    "AppliedMutation",
    "Base",
    "Building",
    "Conflict",
    "Contractor",
    "Defect",
    "DefectArea",
    "DefectComment",
    "DefectHistory",
    "DefectPhoto",
    "DefectType",
    "DeliveryGateSettings",
    "DeliveryPermit",
    "Device",
    "HomeownerUnit",
    "Inspection",
    "InspectionCheckin",
    "Invitation",
    "LoginFailure",
    "Membership",
    "Photo",
    "PhotoAnnotation",
    "PhotoJob",
    "PhotoUpload",
    "PhotoUploadChunk",
    "PhotoUploader",
    "PlanType",
    "Project",
    "Room",
    "StatusCommand",
    "SyncChange",
    "SyncCounter",
    "UTCDateTime",
    "Unit",
    "UnitInspection",
    "User",
    "Walkthrough",
    "new_uuid",
    "ContractorRoute",
    "DeadlinePolicy",
    "Escalation",
    "EscalationStep",
    "FollowupChange",
    "FollowupSettings",
    "InboxMessage",
    "NotifySettings",
    "OutboxMessage",
    "TypeDeadline",
    "Webhook",
    "utcnow",
]
