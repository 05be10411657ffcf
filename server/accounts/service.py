"""Accounts without HTTP: password hashing, opaque tokens, login throttling and invitation codes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain.errors import DomainError, define
from domain.models import ApiToken, HomeownerUnit, Invitation, User, utcnow

from . import throttle

_hasher = PasswordHasher()
# A fixed hash checked when the user doesn't exist, so timing doesn't reveal valid usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Invitation codes avoid look-alike characters (0/O, 1/I/L): people type them off paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


LOGIN_FAILED = define("login_failed", 401, "Wrong username or password")
INVITATION_INVALID = define("invitation_invalid", 404, "Unknown invitation code")
INVITATION_USED = define("invitation_used", 409, "The invitation code has already been used")
INVITATION_EXPIRED = define("invitation_expired", 410, "The invitation code has expired")
INVITATION_NOT_HOMEOWNER = define("invitation_not_homeowner", 403, "Only homeowner accounts redeem invitations")


@dataclass(frozen=True)
class Limits:
    """Attempts allowed per window: an account at one address, one address, one account from anywhere."""

    per_pair: int
    per_address: int
    per_account: int
    window: int


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Issued:
    token: str
    expires_at: datetime


def issue_token(session: Session, user: User, ttl: timedelta, device: str = "") -> Issued:
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + ttl
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), device=device[:120], expires_at=expires_at))
    return Issued(token, expires_at)


ACCOUNT_INACTIVE = define("account_inactive", 403, "This account is deactivated")


def user_for_token(session: Session, token: str) -> User | None:
    """The user a live token belongs to: one statement, on every authenticated request."""
    row = session.execute(
        select(ApiToken.revoked_at, ApiToken.expires_at, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _token_hash(token))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.User.active:
        return None
    return cast(User, row.User)


def revoke_token(session: Session, token: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def revoke_all(session: Session, user_id: int) -> int:
    """End every session of a user (password, role or activity changed); the count revoked."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _login_rules(username: str, remote_addr: str, limits: Limits) -> list[throttle.Rule]:
    return throttle.login_rules(
        username,
        remote_addr,
        per_pair=limits.per_pair,
        per_address=limits.per_address,
        per_account=limits.per_account,
    )


def authenticate(session: Session, username: str, password: str, *, remote_addr: str, limits: Limits) -> User:
    """The user with this password; every attempt is counted first, so guessing is throttled."""
    username = username.strip().lower()
    rules = _login_rules(username, remote_addr, limits)
    throttle.check(session, rules, window=limits.window)
    user = session.scalar(select(User).where(func.lower(User.username) == username))
    password_ok = check_password(user.password_hash if user else None, password)  # hash even if no user
    if user is None or not password_ok:
        raise DomainError(LOGIN_FAILED, "用户名或密码错误 / Wrong username or password")
    if not user.active:
        raise DomainError(ACCOUNT_INACTIVE, "账号已停用，请联系管理员 / This account is deactivated")
    throttle.give_back(session, rules)
    return user


def login(
    session: Session, username: str, password: str, *, ttl: timedelta, device: str, remote_addr: str, limits: Limits
) -> tuple[User, Issued]:
    user = authenticate(session, username, password, remote_addr=remote_addr, limits=limits)
    return user, issue_token(session, user, ttl, device)


def set_password(session: Session, user: User, password: str) -> None:
    """A new password ends every session of the user."""
    user.password_hash = hash_password(password)
    revoke_all(session, user.id)


def new_invitation_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        if session.scalar(select(Invitation.id).where(Invitation.code == code)) is None:
            return code


def create_invitation(session: Session, unit_id: int, valid_days: int | None = None) -> Invitation:
    expires = utcnow() + timedelta(days=valid_days) if valid_days else None
    inv = Invitation(unit_id=unit_id, code=new_invitation_code(session), expires_at=expires)
    session.add(inv)
    session.flush()
    return inv


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def redeem_invitation(session: Session, code: str, user: User) -> Invitation:
    """Bind a homeowner to the invitation's unit. A code is used once; the row lock stops a double use."""
    inv = session.scalar(select(Invitation).where(Invitation.code == normalise_code(code)).with_for_update())
    if inv is None:
        raise DomainError(INVITATION_INVALID, "邀请码无效 / Unknown invitation code")
    if inv.used_at is not None:
        raise DomainError(INVITATION_USED, "邀请码已被使用 / This invitation code has already been used")
    if inv.expires_at is not None and inv.expires_at <= utcnow():
        raise DomainError(INVITATION_EXPIRED, "邀请码已过期 / This invitation code has expired")
    if user.role != "homeowner":
        raise DomainError(
            INVITATION_NOT_HOMEOWNER, "只有业主账号可以使用邀请码 / Only homeowner accounts redeem invitations"
        )
    inv.used_at = utcnow()
    inv.used_by_id = user.id
    exists = session.scalar(
        select(HomeownerUnit.id).where(HomeownerUnit.user_id == user.id, HomeownerUnit.unit_id == inv.unit_id)
    )
    if exists is None:
        session.add(HomeownerUnit(user_id=user.id, unit_id=inv.unit_id))
    return inv
