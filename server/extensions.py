"""Extension singletons, wired to the app in ``create_app``."""

from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from domain.models import Base

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
api = Api()
