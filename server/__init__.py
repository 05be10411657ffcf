"""验收 server: the Flask shell (app factory, views, schemas, CLI) around ``domain``, ``sync`` and ``media``.

The package root deliberately imports nothing: ``domain.models`` and ``domain.policy`` are plain
SQLAlchemy so that ``sync/`` can use them without Flask. The app factory is ``server.app.create_app``.
"""
