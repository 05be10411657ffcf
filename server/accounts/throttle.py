"""Attempt counting for logins and invitation codes: one row per key, incremented by a single upsert.

Every attempt is counted *before* the password (or code) is checked, in its own committed transaction,
so 40 concurrent guesses take 40 numbers from the same counter and only the first ``limit`` get checked.
Keys: the account at this address (a guesser is stopped quickly), the address (a spray across accounts
is slowed), and the account from anywhere (a distributed attack, with a much higher limit so the real
user at another address still gets in). A successful login gives its attempt back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, literal, update
from sqlalchemy.orm import Session

from domain import dialects, transaction
from domain.errors import RATE_LIMITED, DomainError
from domain.models import LoginAttempt, utcnow

KEY_MAX = 200


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int


def _key(kind: str, *parts: str) -> str:
    return f"{kind}:" + "|".join(parts)[: KEY_MAX - len(kind) - 1]


def login_rules(username: str, address: str, *, per_pair: int, per_address: int, per_account: int) -> list[Rule]:
    return [
        Rule(_key("pair", username, address), per_pair),
        Rule(_key("addr", address), per_address),
        Rule(_key("acct", username), per_account),
    ]


def join_rules(address: str, *, per_address: int) -> list[Rule]:
    return [Rule(_key("join", address), per_address)]


def _upsert(session: Session, key: str, now: datetime, window: int) -> Any:
    ins = dialects.of(session).insert(LoginAttempt).values(key=key, window_start=now, count=1)
    expired = LoginAttempt.window_start <= now - timedelta(seconds=window)
    stmt = ins.on_conflict_do_update(
        index_elements=[LoginAttempt.key],
        set_={
            "count": case((expired, 1), else_=LoginAttempt.count + 1),
            "window_start": case(
                (expired, literal(now, LoginAttempt.window_start.type)), else_=LoginAttempt.window_start
            ),
        },
    ).returning(LoginAttempt.count, LoginAttempt.window_start)
    return session.execute(stmt).one()


def hit(session: Session, rules: list[Rule], *, window: int, now: datetime | None = None) -> int:
    """Count one attempt on every rule and commit; the seconds to wait if any limit is passed, else 0."""
    at = now or utcnow()

    def count() -> int:
        wait = 0
        for rule in rules:
            n, start = _upsert(session, rule.key, at, window)
            if n > rule.limit:
                wait = max(wait, int((start + timedelta(seconds=window) - at).total_seconds()) + 1)
        return wait

    return transaction.run(session, count)


def check(session: Session, rules: list[Rule], *, window: int, now: datetime | None = None) -> None:
    """Count the attempt; refuse it (429 with Retry-After) when a limit is passed."""
    wait = hit(session, rules, window=window, now=now)
    if wait:
        raise DomainError(
            RATE_LIMITED,
            f"尝试次数过多，请 {wait} 秒后再试 / Too many attempts, retry in {wait} s",
            retry_after=wait,
        )


def give_back(session: Session, rules: list[Rule]) -> None:
    """A success clears the failures of that account at that address and gives its attempt back to the
    wider counters (flushed with the caller's unit of work)."""
    keys = [r.key for r in rules]
    session.execute(
        update(LoginAttempt)
        .where(LoginAttempt.key.in_(keys), LoginAttempt.count > 0)
        .values(count=case((LoginAttempt.key.startswith("pair:"), 0), else_=LoginAttempt.count - 1))
        .execution_options(synchronize_session=False)
    )
