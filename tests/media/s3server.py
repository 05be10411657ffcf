"""moto's S3 in server mode on a loopback port, plus the two S3 rules moto does not enforce.

moto accepts a presigned URL after its expiry and ignores a POST policy's ``content-length-range``.
Real S3 refuses both, and the tests must see that a URL we hand out stops working, so a thin WSGI layer
in front of moto applies those two rules the way S3 documents them (403 ``AccessDenied`` "Request has
expired"; 400 ``EntityTooLarge`` / ``EntityTooSmall``; 403 for an expired policy). Everything else is
moto's.
"""

from __future__ import annotations

import base64
import io
import json
import socket
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.formparser import parse_form_data
from werkzeug.serving import make_server

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _error(start_response: Callable[..., Any], status: str, code: str, message: str) -> list[bytes]:
    body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    start_response(status, [("Content-Type", "application/xml")])
    return [body.encode()]


class Clock:
    """The fake S3's wall clock; a test moves it forward instead of sleeping until a URL expires."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by

    def reset(self) -> None:
        self.offset = timedelta(0)


CLOCK = Clock()


class S3Rules:
    def __init__(self, app: WsgiApp):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Expires" in query and "X-Amz-Date" in query:
            signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if CLOCK.now() > signed + timedelta(seconds=int(query["X-Amz-Expires"][0])):
                return _error(start_response, "403 Forbidden", "AccessDenied", "Request has expired")
        if environ["REQUEST_METHOD"] == "POST" and environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            copy = dict(environ, **{"wsgi.input": io.BytesIO(body)})
            _stream, form, files = parse_form_data(copy)
            try:
                refused = self._check_policy(form.get("policy") or form.get("Policy"), files.get("file"))
            finally:
                for upload in files.values():
                    upload.close()
            if refused:
                return _error(start_response, *refused)
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    @staticmethod
    def _check_policy(policy: str | None, upload: Any) -> tuple[str, str, str] | None:
        if not policy or upload is None:
            return None
        doc = json.loads(base64.b64decode(policy))
        expiry = datetime.strptime(doc["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if CLOCK.now() > expiry:
            return "403 Forbidden", "AccessDenied", "Invalid according to Policy: Policy expired."
        size = len(upload.stream.read())
        for cond in doc.get("conditions", []):
            if isinstance(cond, list) and cond and cond[0] == "content-length-range":
                if size > int(cond[2]):
                    return "400 Bad Request", "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
                if size < int(cond[1]):
                    return "400 Bad Request", "EntityTooSmall", "Your proposed upload is smaller than the minimum"
        return None


class RulesMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = S3Rules(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> tuple[RulesMotoServer, str]:
    port = free_port()
    server = RulesMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"
