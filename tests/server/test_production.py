"""A production installation never gets the demo's accounts: the demo load is refused, and the first
administrator is created with a password the operator chooses (asked for, or from ADMIN_PASSWORD)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.models import Defect, Project, User
from server.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def production(app):
    app.config["PRODUCTION"] = True  # what APP_ENV=production sets (the fixture restores the config after)
    return app


def test_demo_load_is_refused_in_production(production, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "production" in result.output and "create-admin" in result.output
    assert "demo1234" not in result.output
    assert (_count(User), _count(Project), _count(Defect)) == (0, 0, 0)


def test_first_admin_from_the_prompt_can_log_in(production, runner, client):
    result = runner.invoke(args=["user", "create-admin", "Zhang"], input="a-long-secret-1\na-long-secret-1\n")
    assert result.exit_code == 0, result.output
    assert "a-long-secret-1" not in result.output
    admin = db.session.scalar(select(User).where(User.username == "zhang"))
    assert admin is not None and admin.role == "admin"
    ok = client.post("/api/auth/login", json={"username": "zhang", "password": "a-long-secret-1"})
    assert ok.status_code == 200
    wrong = client.post("/api/auth/login", json={"username": "zhang", "password": "demo1234"})
    assert wrong.status_code == 401


def test_first_admin_from_the_environment(production, runner, client):
    result = runner.invoke(args=["user", "create-admin", "ops"], env={"ADMIN_PASSWORD": "from-the-vault-42"})
    assert result.exit_code == 0, result.output
    assert client.post("/api/auth/login", json={"username": "ops", "password": "from-the-vault-42"}).status_code == 200


@pytest.mark.parametrize("password", ["", "short", "x" * 201])
def test_admin_password_must_be_chosen_and_long_enough(production, runner, password):
    result = runner.invoke(args=["user", "create-admin", "ops"], env={"ADMIN_PASSWORD": password})
    assert result.exit_code != 0
    assert _count(User) == 0


def test_no_prompt_answer_creates_nobody(production, runner):
    result = runner.invoke(args=["user", "create-admin", "ops"], input="")
    assert result.exit_code != 0
    assert _count(User) == 0


def test_an_existing_username_is_refused(production, runner):
    first = runner.invoke(args=["user", "create-admin", "ops"], env={"ADMIN_PASSWORD": "first-password-1"})
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["user", "create-admin", "OPS"], env={"ADMIN_PASSWORD": "second-password-2"})
    assert again.exit_code != 0 and "already exists" in again.output
    assert _count(User) == 1


@pytest.mark.parametrize("app_env, loads_demo", [("production", False), ("development", True)])
def test_serve_script_loads_the_demo_only_outside_production(tmp_path, app_env, loads_demo):
    """scripts/serve.sh run as written, with its installer and the commands it calls stubbed out."""
    scripts, bin_dir, calls = tmp_path / "scripts", tmp_path / "bin", tmp_path / "calls.log"
    scripts.mkdir()
    bin_dir.mkdir()
    shutil.copy(ROOT / "scripts" / "serve.sh", scripts / "serve.sh")
    (scripts / "bootstrap.sh").write_text(f'ROOT="{tmp_path}"\ncd "$ROOT"\nexport PATH="{bin_dir}:$PATH"\n')
    for tool in ("flask", "gunicorn"):
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\n')
        stub.chmod(0o755)
    env = {**os.environ, "APP_ENV": app_env, "SECRET_KEY": "s" * 40, "FOLLOWUP_EVERY": "3600"}
    with open(tmp_path / "out.log", "w+") as out:
        # Its own process group: the script leaves background jobs (the image worker, the development
        # follow-up loop), which are stopped with the group once the stubbed server has "exited".
        proc = subprocess.Popen(
            ["bash", str(scripts / "serve.sh")], env=env, stdout=out, stderr=out, start_new_session=True
        )
        try:
            code = proc.wait(timeout=60)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
        out.seek(0)
        assert code == 0, out.read()
    log = calls.read_text()
    assert "flask --app server.app db upgrade" in log and "gunicorn" in log
    assert ("demo load" in log) == loads_demo
