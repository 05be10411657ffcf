"""Command-line tasks: ``flask demo load``, ``flask library seed``, ``flask user create-admin``,
``flask media gc``, ``flask photos work``, ``flask photos expire-uploads``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db
from .http import dbs

MIN_ADMIN_PASSWORD = 10  # an administrator sees every project: longer than the 8 the API asks of others


def register_cli(app: Flask) -> None:
    demo = AppGroup("demo", help="The demo project.")
    library = AppGroup("library", help="The defect library.")
    users = AppGroup("user", help="Accounts.")

    @demo.command("load")
    def demo_load() -> None:
        """Load the demo project (idempotent) and print the demo logins. Refused in production."""
        from .demo.data import load_demo

        if app.config.get("PRODUCTION"):
            # The demo's accounts share a published password: a production database must never have them.
            raise click.ClickException(
                "APP_ENV=production: 演示数据不能装入生产环境 / the demo (with its known passwords) is never "
                "loaded in production; create the first administrator with "
                "`flask --app server.app user create-admin NAME`"
            )

        summary = load_demo(dbs())
        db.session.commit()
        plans = _demo_plan_images(app, summary.project_id)
        photos = _demo_photos(summary.project_id)
        click.echo(f"演示项目 / demo project #{summary.project_id}: {summary.units} units, {summary.defects} defects")
        if plans:
            click.echo(f"户型图 / floor plans drawn: {plans}")
        if photos:
            click.echo(f"缺陷照片 / defect photos attached: {photos}")
        click.echo("演示账号 / demo logins (username / password / role):")
        for username, password, role in summary.logins:
            click.echo(f"  {username:<12} {password:<10} {role}")

    @library.command("seed")
    def library_seed() -> None:
        """Add the standard 分户验收 defect library (only what is missing)."""
        from .library.seed import seed_library

        added = seed_library(dbs())
        db.session.commit()
        click.echo(f"{added} defect types added")

    @users.command("create-admin")
    @click.argument("username")
    @click.option(
        "--password",
        envvar="ADMIN_PASSWORD",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Asked for when not given; or set ADMIN_PASSWORD. There is no default.",
    )
    def create_admin(username: str, password: str) -> None:
        """Create an administrator account (the first one of a real installation)."""
        from sqlalchemy import func, select

        from domain.models import User

        from .accounts.service import hash_password

        name = username.strip().lower()
        if not 1 <= len(name) <= 80:
            raise click.BadParameter("1 to 80 characters", param_hint="USERNAME")
        if not MIN_ADMIN_PASSWORD <= len(password) <= 200:
            raise click.BadParameter(f"{MIN_ADMIN_PASSWORD} to 200 characters", param_hint="password")
        if db.session.scalar(select(func.count()).select_from(User).where(User.username == name)):
            raise click.ClickException(f"用户已存在 / a user named {name!r} already exists")
        db.session.add(
            User(username=name, display_name=username.strip(), role="admin", password_hash=hash_password(password))
        )
        db.session.commit()
        click.echo(f"admin {name} created")

    media_group = AppGroup("media", help="Photo storage.")

    @media_group.command("gc")
    @click.option("--grace-hours", type=float, default=None, help="Keep unreferenced photos this long after upload.")
    @click.option("--dry-run", is_flag=True, help="Only report what would be removed.")
    def media_gc(grace_hours: float | None, dry_run: bool) -> None:
        """Remove photos no defect or floor plan refers to, once the grace period is over."""
        from datetime import timedelta

        from media.gc import collect

        from .photos import media

        m = media()
        grace = m.settings.gc_grace if grace_hours is None else timedelta(hours=grace_hours)
        report = collect(dbs(), m.storage, grace, dry_run=dry_run)
        db.session.commit()
        verb = "would remove" if dry_run else "removed"
        click.echo(
            f"{verb}: {len(report.photos)} photos, {report.uploads} unfinished uploads, "
            f"{report.stray_objects} stray blobs ({report.bytes_freed / 1e6:.1f} MB); grace {grace}"
        )

    photos_group = AppGroup("photos", help="Photo derivatives and upload sessions.")

    @photos_group.command("work")
    @click.option("--once", is_flag=True, help="Stop when no job is left (else wait for more).")
    @click.option("--poll", type=float, default=1.0, show_default=True, help="Seconds between looks when idle.")
    @click.option("--nice", type=int, default=0, help="Lower this process's CPU priority (beside the web workers).")
    def photos_work(once: bool, poll: float, nice: int) -> None:
        """Make thumbnails and display copies of uploaded photos (run any number, on any machine)."""
        import os
        import signal
        import threading

        from sqlalchemy.orm import Session

        from media.jobs import run

        from .photos import media

        if nice:
            os.nice(nice)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())  # finish the photo under way, then stop
        m = media()
        done = run(lambda: Session(db.engine), m.storage, m.settings, once=once, poll=poll, stop=stop, log=click.echo)
        click.echo(f"{done} photos processed")

    @photos_group.command("expire-uploads")
    def photos_expire_uploads() -> None:
        """Remove upload sessions untouched for MEDIA_UPLOAD_TTL_HOURS (default 24) and what they stored."""
        from media.uploads import expire

        from .photos import media

        m = media()
        removed = expire(dbs(), m.storage, m.settings)
        click.echo(f"{removed} abandoned uploads removed")

    for group in (demo, library, users, media_group, photos_group):
        app.cli.add_command(group)
    from .followup.commands import register as register_followup

    register_followup(app)


def _demo_photos(project_id: int) -> int:
    """Before-photos for the demo's defects and after-photos for the repaired ones (once)."""
    from .demo.photos import attach_demo_photos
    from .photos import media

    m = media()
    count = attach_demo_photos(dbs(), m.storage, m.settings, project_id)
    db.session.commit()
    return count


def _demo_plan_images(app: Flask, project_id: int) -> int:
    """Draw the demo's floor plans and store them as photos (skipped for plans that have one)."""
    from .demo.plans import attach_plan_images
    from .photos import media

    m = media()
    count = attach_plan_images(dbs(), m.storage, m.settings, project_id, app.config.get("MEDIA_FONT"))
    db.session.commit()
    return count
