"""``flask followup run`` (deadlines, escalation, then delivery), ``flask notify deliver`` and
``flask notify digest``. Each is idempotent and safe to run on several machines at once; run them every
few minutes from cron, a systemd timer or a Kubernetes CronJob (README)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from domain.followup import defaults, delivery, digest, job
from domain.models import Project

from ..http import dbs


def _now(value: str | None) -> datetime:
    """``--now`` (ISO 8601, UTC if no offset) or the wall clock: the job's clock is injected."""
    if not value:
        return datetime.now(UTC)
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def delivery_settings() -> delivery.Settings:
    def conf(name: str, default: str) -> str:
        return str(current_app.config.get(name) or os.environ.get(name) or default)

    return delivery.Settings(
        smtp_host=conf("SMTP_HOST", "localhost"),
        smtp_port=int(conf("SMTP_PORT", "25")),
        mail_from=conf("MAIL_FROM", "yanshou@localhost"),
        max_attempts=int(conf("NOTIFY_MAX_ATTEMPTS", "8")),
        backoff_seconds=float(conf("NOTIFY_BACKOFF_SECONDS", "30")),
    )


def register(app: Flask) -> None:
    followup = AppGroup("followup", help="Rectification follow-up: deadlines and escalation.")
    notify = AppGroup("notify", help="Notifications: delivery and digests.")
    now_option = click.option("--now", default=None, help="Evaluate as of this time (ISO 8601); default: now.")

    @followup.command("run")
    @now_option
    @click.option("--no-deliver", is_flag=True, help="Only evaluate; leave delivery to `flask notify deliver`.")
    def followup_run(now: str | None, no_deliver: bool) -> None:
        """A follow-up pass (more while a backlog is left): due-soon warnings, escalations, phone 回访 due,
        then deliver what is due."""
        at = _now(now)
        report = job.run_all(dbs(), at)
        click.echo(
            f"escalations {report.escalations} (defects {report.defects}), due soon {report.due_soon}, "
            f"messages {report.messages}, phone follow-ups due {report.visits_due}, passes {report.passes}"
        )
        if not no_deliver:
            sent = delivery.deliver_all(dbs(), at, delivery_settings())
            click.echo(f"delivered {sent.sent}, retry later {sent.retried}, dead {sent.dead}")

    @followup.command("defaults")
    def followup_defaults() -> None:
        """Give every project the default time limits and ladder where it has none."""
        session = dbs()
        added = sum(
            defaults.ensure_project(session, pid)
            for pid in session.scalars(Project.__table__.select().with_only_columns(Project.id))
        )
        session.commit()
        click.echo(f"{added} projects given defaults")

    @notify.command("deliver")
    @now_option
    def notify_deliver(now: str | None) -> None:
        """Send due webhook and e-mail messages (retries with backoff; dead after too many failures)."""
        sent = delivery.deliver_all(dbs(), _now(now), delivery_settings())
        click.echo(f"delivered {sent.sent}, retry later {sent.retried}, dead {sent.dead}")

    @notify.command("digest")
    @now_option
    def notify_digest(now: str | None) -> None:
        """Today's digest for every contractor's crews (once a day, however often it runs)."""
        click.echo(f"digests for {digest.digest(dbs(), _now(now))} contractor projects")

    app.cli.add_command(followup)
    app.cli.add_command(notify)
