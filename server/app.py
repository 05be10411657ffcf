"""The Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from domain import dialects

from . import config as config_module
from .extensions import api, db, migrate

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_env(app.instance_path))
    app.config.update(
        API_TITLE="验收 Yanshou API",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
        API_SPEC_OPTIONS={
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
        },
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    api.init_app(app)

    from . import errorcodes, errors, health, inputguard, requestlog, security, uow, web
    from .accounts import views as accounts_views
    from .cli import register_cli
    from .defects import views as defect_views
    from .docs import bp as docs_bp
    from .followup import views as followup_views
    from .followup import webhooks as _followup_webhooks  # noqa: F401  (registers its routes on followup_views.blp)
    from .library import views as library_views
    from .notifications import views as notification_views
    from .owners import views as owner_views
    from .photos import init_app as init_media
    from .photos import uploads as photo_uploads
    from .photos import views as photo_views
    from .projects import views as project_views
    from .rounds import views as rounds_views
    from .stats import delivery as delivery_views
    from .stats import reports as report_views
    from .stats import views as stats_views
    from .sync_api import views as sync_views
    from .walkthroughs import views as walkthrough_views

    errors.init_app(app)
    requestlog.init_app(app)
    inputguard.init_app(app)  # before any route: it bounds the <int:…> converter
    security.init_app(app)
    init_media(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(docs_bp)
    app.register_blueprint(errorcodes.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(walkthrough_views.pages)
    for blp in (
        accounts_views.blp,
        project_views.blp,
        library_views.blp,
        defect_views.blp,
        photo_uploads.blp,
        photo_views.blp,
        sync_views.blp,
        rounds_views.blp,
        followup_views.blp,
        notification_views.blp,
        walkthrough_views.blp,
        owner_views.blp,
        stats_views.blp,
        delivery_views.blp,
        report_views.blp,
    ):
        api.register_blueprint(blp)
    errorcodes.document(api.spec)
    from domain.rounds.risk import gate_check
    from domain.stats import gate

    gate.register_checklist_provider(gate_check)  # the risk check is the gate's 风险检查通过 criterion
    uow.init_app(app)  # after every view is registered: each request is one unit of work
    register_cli(app)
    from .sync_api.heap import tune as tune_gc

    tune_gc()
    return app


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Per-database connection settings (SQLite's pragmas) live with the database's dialect module.
    backend = dialects.for_driver(dbapi_connection)
    if backend is not None:
        backend.on_connect(dbapi_connection)
