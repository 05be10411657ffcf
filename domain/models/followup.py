"""Rectification follow-up (整改跟进): time limits (时限), who fixes which trade, the escalation ladder
(分级预警), escalation records, in-app inbox, the notification outbox, webhooks and users' channel choices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

# The 中航地产 routing categories (domain.md); DefectType.category holds one of them.
CATEGORIES = ("工程质量", "物业维修", "规划设计", "客户服务", "销售服务", "外部环境")
# Whom a ladder level notifies: the contractor's crews, the project's managers, the regional head (admins).
NOTIFY_TARGETS = ("crew", "manager", "regional")
EVENT_KINDS = (
    "dispatched",  # 派单给您
    "rejected",  # 施工单位拒单, back to the dispatcher
    "due_soon",  # 即将到期
    "overdue",  # 已超时 / 已升级
    "fixed",  # 已维修，待复验
    "recheck_failed",  # 复验不通过
    "closed",  # 已关闭
    "disputed",  # 业主异议，待复验
    "digest",  # 每日汇总
)
CHANNELS = ("inbox", "email", "webhook")
WEBHOOK_FORMATS = ("json", "wecom", "dingtalk")


class DeadlinePolicy(Base):
    """How long a project allows, per routing category and severity: to respond (接单 / on site) and to fix."""

    __tablename__ = "deadline_policies"
    __table_args__ = (UniqueConstraint("project_id", "category", "severity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(1))
    response_minutes: Mapped[int] = mapped_column(Integer)
    fix_minutes: Mapped[int] = mapped_column(Integer)


class TypeDeadline(Base):
    """A defect type's own limits in a project (a leak: someone on site at once); ``urgent`` types climb
    the ladder on its fast thresholds, like A-grade defects."""

    __tablename__ = "type_deadlines"
    __table_args__ = (UniqueConstraint("project_id", "type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("defect_types.id"))
    response_minutes: Mapped[int] = mapped_column(Integer)
    fix_minutes: Mapped[int] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)


class EscalationStep(Base):
    """One level of a project's ladder: reached ``after_hours`` past a missed deadline (``urgent_after_hours``
    for A-grade and urgent types), it notifies ``notify`` (NOTIFY_TARGETS)."""

    __tablename__ = "escalation_steps"
    __table_args__ = (UniqueConstraint("project_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    level: Mapped[int] = mapped_column(Integer)
    after_hours: Mapped[int] = mapped_column(Integer)
    urgent_after_hours: Mapped[int] = mapped_column(Integer)
    notify: Mapped[str] = mapped_column(String(20))


class FollowupSettings(Base):
    """Per-project knobs: how long before a deadline counts as 'due soon'."""

    __tablename__ = "followup_settings"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    due_soon_hours: Mapped[int] = mapped_column(Integer, default=24)


class ContractorRoute(Base):
    """派单建议: in this project, this trade (optionally in this building) goes to this contractor."""

    __tablename__ = "contractor_routes"
    __table_args__ = (UniqueConstraint("project_id", "trade", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    trade: Mapped[str] = mapped_column(String(40))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractors.id"))


class FollowupChange(Base):
    """Append-only record of every change to a project's policy, ladder, routes and webhooks."""

    __tablename__ = "followup_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    what: Mapped[str] = mapped_column(String(20))  # policy | ladder | routes | webhook | settings
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)


class Escalation(Base):
    """A defect reached a level of the ladder (once per level: the unique pair makes concurrent jobs safe)."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("defect_id", "level"), Index("ix_escalations_run", "run_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("defects.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractors.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))  # response | fix | recheck_failed
    notify: Mapped[str] = mapped_column(String(20))  # NOTIFY_TARGETS
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    run_id: Mapped[str] = mapped_column(String(36), default="")
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InboxMessage(Base):
    """One message in a user's in-app inbox; ``key`` makes every event land once per user."""

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_user_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))  # EVENT_KINDS
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    defect_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    level: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A message for an outside channel (webhook, email), written in the transaction that caused it and
    sent by ``flask notify deliver``: retried with backoff, dead after too many failures."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)  # idempotency key, sent with the message
    channel: Mapped[str] = mapped_column(String(10))  # email | webhook
    target: Mapped[str] = mapped_column(String(500))  # webhook id or e-mail address
    user_id: Mapped[int | None] = mapped_column(Integer)  # whose e-mail it is (their quiet hours apply)
    kind: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    payload: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Webhook(Base):
    """A project's outgoing webhook: JSON signed with HMAC-SHA256, or a 企业微信 / 钉钉 robot message."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    format: Mapped[str] = mapped_column(String(10), default="json")  # WEBHOOK_FORMATS
    kinds: Mapped[str] = mapped_column(String(200), default="")  # ",kind,kind," sent; empty = all
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class NotifySettings(Base):
    """A user's e-mail address and channels per event kind, as ",kind,kind," lists (matched with LIKE in the
    set-based fan-out), and quiet hours for e-mail. Without a row: every kind in the inbox, no e-mail.
    ``digest`` in ``email_kinds`` sends the contractor's daily digest by e-mail too; in ``muted_kinds`` it
    turns the digest off."""

    __tablename__ = "notify_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    email_kinds: Mapped[str] = mapped_column(String(200), default="")  # kinds also sent by e-mail
    muted_kinds: Mapped[str] = mapped_column(String(200), default="")  # kinds kept out of the inbox
    # Quiet hours (China time, minutes after midnight; may wrap past midnight): e-mail waits until they end.
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
