"""Configuration from the environment. Zero settings run on SQLite and local disk under ``instance/``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The app refuses to start with settings that would be unsafe or cannot work."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'yanshou.sqlite3'}"
    # Heroku-style URLs name the scheme "postgres"; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_env(instance_path: str) -> dict[str, Any]:
    production = os.environ.get("APP_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY", "")
    if production and len(secret) < 32:
        raise ConfigError("APP_ENV=production needs SECRET_KEY set to at least 32 random characters")
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "MEDIA_BACKEND": os.environ.get("MEDIA_BACKEND", "local"),  # local | s3
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(Path(instance_path) / "media")),
        "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
        "S3_PREFIX": os.environ.get("S3_PREFIX", "photos/"),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL") or None,
        "S3_REGION": os.environ.get("S3_REGION", "us-east-1"),
        # Credentials: these, or boto3's usual chain (AWS_* variables, instance role) when empty.
        "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "MEDIA_MAX_BYTES": _int("MEDIA_MAX_MB", 40) * 1024 * 1024,  # one photo
        "MEDIA_MAX_PIXELS": _int("MEDIA_MAX_PIXELS", 60_000_000),  # decompression bombs stop here
        "MEDIA_KEEP_GPS": _bool("MEDIA_KEEP_GPS", False),  # serve originals with their GPS/EXIF
        "MEDIA_URL_TTL_SECONDS": _int("MEDIA_URL_TTL_SECONDS", 600),  # signed photo URLs
        "MEDIA_GC_GRACE_HOURS": _int("MEDIA_GC_GRACE_HOURS", 14 * 24),  # unreferenced uploads kept this long
        "MEDIA_FONT": os.environ.get("MEDIA_FONT") or None,
        # worker: thumbnails and display copies come from `flask photos work`; inline: in the upload request.
        "MEDIA_DERIVATIVES": os.environ.get("MEDIA_DERIVATIVES", "worker"),
        # An image worker's hold on a job: longer than the slowest photo; a killed worker's job waits this long.
        "MEDIA_JOB_LEASE_SECONDS": _int("MEDIA_JOB_LEASE_SECONDS", 120),
        "MEDIA_UPLOAD_TTL_HOURS": _int(
            "MEDIA_UPLOAD_TTL_HOURS", 24
        ),  # unfinished uploads expire  # a CJK font file for plans and annotations
        "TOKEN_TTL_DAYS": _int("TOKEN_TTL_DAYS", 14),  # a week offline plus margin
        # Login and invitation attempts per LOGIN_WINDOW_SECONDS: one account from one address, one address
        # over all accounts (slows a password spray), one account from anywhere (a distributed attack).
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: the peer is the client).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "LOGIN_MAX_PER_ADDRESS": _int("LOGIN_MAX_PER_ADDRESS", 30),
        "LOGIN_MAX_PER_ACCOUNT": _int("LOGIN_MAX_PER_ACCOUNT", 100),
        "LOGIN_WINDOW_SECONDS": _int("LOGIN_WINDOW_SECONDS", 900),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 64) * 1024 * 1024,
        "IMPORT_MAX_ROWS": _int("IMPORT_MAX_ROWS", 20000),
    }
