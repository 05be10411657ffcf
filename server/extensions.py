"""Extension singletons, wired to the app in ``create_app``."""

import http

from flask_migrate import Migrate
from flask_smorest import Api as _Api
from flask_smorest.utils import prepare_response
from flask_sqlalchemy import SQLAlchemy

from domain.models import Base

from .problem import PROBLEM_JSON, ProblemSchema

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()


class Api(_Api):
    """flask-smorest documenting every error as ``application/problem+json`` (server/errors.py)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """server/errors.py renders every error; flask-smorest's own JSON handler is not used."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            content_type = PROBLEM_JSON if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (application/problem+json; code listed in x-error-codes)"}
        response["schema"] = self.ERROR_SCHEMA
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()
