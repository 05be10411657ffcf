"""Command-line tasks: ``flask demo load``, ``flask library seed``, ``flask user create-admin``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db
from .http import dbs


def register_cli(app: Flask) -> None:
    demo = AppGroup("demo", help="The demo project.")
    library = AppGroup("library", help="The defect library.")
    users = AppGroup("user", help="Accounts.")

    @demo.command("load")
    def demo_load() -> None:
        """Load the demo project (idempotent) and print the demo logins."""
        from .demo.data import load_demo

        summary = load_demo(dbs())
        db.session.commit()
        click.echo(f"演示项目 / demo project #{summary.project_id}: {summary.units} units, {summary.defects} defects")
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
    @click.password_option()
    def create_admin(username: str, password: str) -> None:
        """Create an administrator account."""
        from .accounts.service import hash_password
        from .models import User

        db.session.add(
            User(username=username.lower(), display_name=username, role="admin", password_hash=hash_password(password))
        )
        db.session.commit()
        click.echo(f"admin {username} created")

    for group in (demo, library, users):
        app.cli.add_command(group)
