"""Security headers on every response.

The PWA loads only its own hashed scripts and styles (no inline script: ``pwa/index.html`` and the built
``pwa/dist`` have none), so the Content-Security-Policy allows 'self' and the blob: URLs photos are shown
from. No page may frame the app (clickjacking). The camera is allowed for the app's own origin only.
HSTS is sent in production, where the app is served over HTTPS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

HSTS = "max-age=31536000; includeSubDomains"


def _media_origins(app: Flask) -> str:
    """Where photos may come from besides this server: the S3 endpoint a signed URL points at."""
    if app.config.get("MEDIA_BACKEND") != "s3":
        return ""
    endpoint = app.config.get("S3_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint)
        return f" {parts.scheme}://{parts.netloc}"
    return " https://*.amazonaws.com"


def policy(app: Flask, *, docs: bool = False) -> str:
    media = _media_origins(app)
    # Swagger UI (/api/docs) boots from an inline script; that page shows only the API description.
    script = "'self' 'unsafe-inline'" if docs else "'self'"
    style = "'self' 'unsafe-inline'" if docs else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            f"style-src {style}",
            f"img-src 'self' blob: data:{media}",
            f"connect-src 'self'{media}",
            "worker-src 'self'",
            "manifest-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:  # the client address that login throttling counts comes from the proxy's header
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    app_policy = policy(app)
    docs_policy = policy(app, docs=True)
    production = bool(app.config.get("PRODUCTION"))

    @app.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        docs = request.path.rstrip("/") == "/api/docs"
        h.setdefault("Content-Security-Policy", docs_policy if docs else app_policy)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production:
            h.setdefault("Strict-Transport-Security", HSTS)
        return response
