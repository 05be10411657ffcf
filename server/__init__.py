"""验收 server: the domain model, access policy and the Flask app that serves them.

The package root deliberately imports nothing: ``server.models`` and ``server.policy`` are plain
SQLAlchemy so that ``sync/`` can use them without Flask. The app factory is ``server.app.create_app``.
"""
