"""Configuration: zero settings work; production refuses unsafe secrets; bad values are named."""

from __future__ import annotations

import pytest

from server import config


def test_defaults_use_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = config.from_env(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'yanshou.sqlite3'}"
    assert cfg["MEDIA_ROOT"].startswith(str(tmp_path))
    assert cfg["TOKEN_TTL_DAYS"] >= 7


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_get_the_psycopg_driver(monkeypatch, tmp_path, url):
    monkeypatch.setenv("DATABASE_URL", url)
    assert config.from_env(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("secret", ["", "short", "x" * 31])
def test_production_refuses_to_start_without_a_strong_secret(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.from_env(str(tmp_path))


def test_production_starts_with_a_strong_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    cfg = config.from_env(str(tmp_path))
    assert cfg["PRODUCTION"] and cfg["SECRET_KEY"] == "k" * 40


def test_a_bad_number_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKEN_TTL_DAYS", "a week")
    with pytest.raises(config.ConfigError, match="TOKEN_TTL_DAYS"):
        config.from_env(str(tmp_path))
