"""Status changes are commands, folded in HLC order over the defect's status fields.

A command that arrives in HLC order is checked against the current state and applied or turned into a
conflict. One that arrives late (an offline device) is slotted into its place: the state just before it
is restored from the next command's ``before`` snapshot and the later commands are folded again. So the
final status depends only on the set of commands, never on the order they reached the server, and a
stale or disallowed command always leaves a conflict record instead of vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from domain import rules
from domain.followup import deadlines as followup_deadlines
from domain.followup import hooks as followup
from domain.models import Conflict, Defect, DefectHistory, StatusCommand, utcnow

from . import hlc
from .codes import STALE_STATUS, TRANSITION_NOT_ALLOWED
from .feed import ChangeSet, scope_keys

STATE_FIELDS = (
    "status",
    "contractor_id",
    "repeat_count",
    "satisfaction",
    "assigned_at",
    "fixed_at",
    "closed_at",
    "accepted_at",
    "visit_method",
)
TIME_FIELDS = ("assigned_at", "fixed_at", "closed_at", "accepted_at")
CLOCK = "_status"  # key in Defect.field_clocks: the latest status command folded


@dataclass
class Outcome:
    status: str  # applied | conflict
    message: str = ""
    conflict_id: int | None = None
    code: str = ""  # why a conflict: stale_status | transition_not_allowed


# Conflict kinds (stored on the record) and the codes results carry for them.
KIND_CODES = {"stale": STALE_STATUS, "not_allowed": TRANSITION_NOT_ALLOWED}


def snapshot(d: Defect) -> dict[str, Any]:
    state = {f: getattr(d, f) for f in STATE_FIELDS}
    for f in TIME_FIELDS:
        state[f] = state[f].isoformat() if state[f] else None
    return state


def _restore(d: Defect, state: dict[str, Any]) -> None:
    for f in STATE_FIELDS:
        value = state.get(f)
        if f in TIME_FIELDS and value is not None:
            value = datetime.fromisoformat(value)
        setattr(d, f, value)


def _step(state: dict[str, Any], cmd: StatusCommand) -> tuple[str | None, str]:
    """Apply cmd to state in place, or return (conflict kind, message) without touching it."""
    t = rules.TRANSITIONS[cmd.action]
    if not cmd.forced:
        if cmd.role not in t.roles:
            return "not_allowed", rules.check(cmd.action, state["status"], cmd.role, None, None) or ""
        if cmd.from_status != state["status"]:
            saw, now = cmd.from_status or "", state["status"]
            return "stale", (
                f"设备上看到的状态是「{rules.STATUS_ZH.get(saw, saw)}」，但服务器上已是「{rules.STATUS_ZH[now]}」"
                f" / The device saw the defect as {saw}, but it is already {now}"
            )
        why = rules.check(cmd.action, state["status"], cmd.role, cmd.user_contractor_id, state["contractor_id"])
        if why:
            return "not_allowed", why
    at = datetime.fromtimestamp(hlc.parse(cmd.hlc).physical / 1000, UTC).isoformat()
    args = cmd.args or {}
    if cmd.action == "assign":
        state["contractor_id"] = args.get("contractor_id")
        state["assigned_at"] = at
    elif cmd.action == "fix":
        state["fixed_at"] = at
    elif cmd.action == "pass":
        state["closed_at"] = at
    elif cmd.action == "fail":
        state["repeat_count"] = (state["repeat_count"] or 0) + 1
    elif cmd.action == "visit":
        state["satisfaction"] = args.get("satisfaction")
        # The owner rated in the app; staff recording it means they called the owner (电话回访).
        state["visit_method"] = "owner" if cmd.role == "homeowner" else "phone"
    followup_deadlines.step(state, cmd.action, at)  # acceptance (接单) and rejection
    state["status"] = t.target
    return None, ""


def _theirs(cmd: StatusCommand) -> dict[str, Any]:
    return {
        "action": cmd.action,
        "from": cmd.from_status,
        **{k: v for k, v in (cmd.args or {}).items() if v not in (None, "")},
        "user_id": cmd.user_id,
        "role": cmd.role,
        "device_id": cmd.device_id,
        "hlc": cmd.hlc,
    }


def _later_commands(session: Session, d: Defect, after: str) -> list[StatusCommand]:
    """The defect's commands with a later clock than ``after``, in clock order: those stored, and those
    added by this transaction and not flushed yet (read without an autoflush, which would write every
    defect changed so far one statement at a time)."""
    with session.no_autoflush:
        stored = session.scalars(
            select(StatusCommand).where(StatusCommand.defect_id == d.id, StatusCommand.hlc > after)
        ).all()
    pending = [o for o in session.new if isinstance(o, StatusCommand) and o.defect_id == d.id and o.hlc > after]
    return sorted({id(c): c for c in (*stored, *pending)}.values(), key=lambda c: c.hlc)


def apply_command(
    session: Session,
    d: Defect,
    cmd: StatusCommand,
    changes: ChangeSet,
    history: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Fold a new command into the defect (locked by the caller); returns what became of it.

    History rows go to ``history`` when given (a push inserts them all in one statement), else to the session."""
    keys_before = scope_keys(d)
    old_state = snapshot(d)
    clocks = d.field_clocks or {}
    later: list[StatusCommand] = []
    if clocks.get(CLOCK, "") > cmd.hlc:
        later = _later_commands(session, d, cmd.hlc)
    state = dict(later[0].before) if later else dict(old_state)
    cmd.defect_id = d.id
    cmd.outcome = ""  # new: neither applied nor conflict yet
    session.add(cmd)
    result = _fold(session, d, cmd, later, state, changes, keys_before)
    _restore(d, state)
    d.field_clocks = {**clocks, CLOCK: max(clocks.get(CLOCK, ""), cmd.hlc)}
    new_state = snapshot(d)
    if new_state != old_state:
        _history(session, d, cmd, old_state, new_state, history)
        followup.after_status(session, d, old_state, new_state, (cmd.args or {}).get("note") or "", history)
        changes.defect(d, keys_before)
    elif cmd.action == "dispute" and result.status == "applied":
        # Disputed while still awaiting re-check: nothing changes but who must hear the owner's reason.
        followup.disputed(session, d, (cmd.args or {}).get("note") or "")
    return result


def _fold(
    session: Session,
    d: Defect,
    cmd: StatusCommand,
    later: list[StatusCommand],
    state: dict[str, Any],
    changes: ChangeSet,
    keys_before: Any,
) -> Outcome:
    """Fold ``cmd`` and the later commands over ``state``: each becomes applied or a conflict (a new
    record), and an earlier conflict that became valid is marked superseded. Returns what became of cmd."""
    result = Outcome("applied")
    for c in (cmd, *later):
        c.before = dict(state)
        kind, message = _step(state, c)
        if kind is not None and c.outcome != "conflict":
            # Inserted on the connection, not through the session: taking its id this way does not flush
            # (and so write one by one) every defect the push has changed so far.
            values = {
                "defect_id": d.id,
                "kind": kind,
                "message": message,
                "ours": dict(c.before),
                "theirs": _theirs(c),
                "device_id": c.device_id,
                "user_id": c.user_id,
            }
            stmt = insert(Conflict).values(values).returning(Conflict.id)
            c.conflict_id = session.connection().execute(stmt).scalar_one()
            changes.touch("conflict", c.conflict_id, d.id, keys_before)
        elif kind is None and c.outcome == "conflict" and c.conflict_id is not None:
            # An earlier command that arrived late made this one valid after all.
            earlier = session.get(Conflict, c.conflict_id)
            if earlier is not None and earlier.status == "open":
                earlier.status, earlier.resolution, earlier.resolved_at = "resolved", "superseded", utcnow()
                changes.touch("conflict", earlier.id, d.id, keys_before)
        c.outcome = "conflict" if kind else "applied"
        if c is cmd:
            result = Outcome(c.outcome, message, c.conflict_id if kind else None, KIND_CODES.get(kind or "", ""))
    return result


def _history(
    session: Session,
    d: Defect,
    cmd: StatusCommand,
    old_state: dict[str, Any],
    new_state: dict[str, Any],
    history: list[dict[str, Any]] | None,
) -> None:
    for f in ("status", "contractor_id", "repeat_count", "satisfaction"):
        if old_state[f] != new_state[f]:
            row = {
                "defect_id": d.id,
                "at": utcnow(),
                "user_id": cmd.user_id,
                "device_id": cmd.device_id,
                "action": "status" if f == "status" else cmd.action,
                "field": f,
                "old": old_state[f],
                "new": new_state[f],
            }
            if history is None:
                session.add(DefectHistory(**row))
            else:
                history.append(row)
