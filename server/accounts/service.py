"""Accounts without HTTP: password hashing, opaque tokens, login throttling and invitation codes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domain.models import ApiToken, HomeownerUnit, Invitation, LoginFailure, User, utcnow

_hasher = PasswordHasher()
# A fixed hash checked when the user doesn't exist, so timing doesn't reveal valid usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Invitation codes avoid look-alike characters (0/O, 1/I/L): people type them off paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class AuthError(Exception):
    def __init__(self, message: str, status: int = 401, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


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


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user


def revoke_token(session: Session, token: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def throttle_delay(session: Session, username: str, max_failures: int, window: int) -> int:
    """Seconds the caller must wait before trying this username again (0 = go ahead).

    Past ``max_failures`` in the window each further failure doubles the wait, capped at the window.
    """
    since = utcnow() - timedelta(seconds=window)
    failures = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.username == username, LoginFailure.at >= since
        )
    ).one()
    count, last = failures
    if count < max_failures or last is None:
        return 0
    wait = min(window, 2 ** (count - max_failures + 1) * 15)
    remaining = int((last + timedelta(seconds=wait) - utcnow()).total_seconds()) + 1
    return max(0, remaining)


def login(
    session: Session,
    username: str,
    password: str,
    *,
    ttl: timedelta,
    device: str,
    remote_addr: str,
    max_failures: int,
    window: int,
) -> tuple[User, Issued]:
    username = username.strip().lower()
    delay = throttle_delay(session, username, max_failures, window)
    if delay:
        raise AuthError(
            f"登录失败次数过多，请 {delay} 秒后再试 / Too many failed logins, retry in {delay} s",
            status=429,
            retry_after=delay,
        )
    user = session.scalar(select(User).where(func.lower(User.username) == username))
    password_ok = check_password(user.password_hash if user else None, password)  # hash even if no user
    if user is None or not password_ok or not user.active:
        session.add(LoginFailure(username=username, remote_addr=remote_addr[:64]))
        session.commit()
        raise AuthError("用户名或密码错误 / Wrong username or password")
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return user, issue_token(session, user, ttl, device)


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
        raise AuthError("邀请码无效 / Unknown invitation code", status=404)
    if inv.used_at is not None:
        raise AuthError("邀请码已被使用 / This invitation code has already been used", status=409)
    if inv.expires_at is not None and inv.expires_at <= utcnow():
        raise AuthError("邀请码已过期 / This invitation code has expired", status=410)
    if user.role != "homeowner":
        raise AuthError("只有业主账号可以使用邀请码 / Only homeowner accounts redeem invitations", status=403)
    inv.used_at = utcnow()
    inv.used_by_id = user.id
    exists = session.scalar(
        select(HomeownerUnit.id).where(HomeownerUnit.user_id == user.id, HomeownerUnit.unit_id == inv.unit_id)
    )
    if exists is None:
        session.add(HomeownerUnit(user_id=user.id, unit_id=inv.unit_id))
    return inv
