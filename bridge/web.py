"""The bridge web process: webhooks, payment pages, document downloads (Flask).

Run by gunicorn as `bridge.web:app_from_environment()`, configured by bridge.config (the
environment, read once at start). Every gateway's blueprint registers itself here.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from bridge import answers, openapi, rate_limit, refunds, topups, webhooks
from bridge.config import Config
from bridge.db import pool


# Every answer forbids framing, leaking the URL (payment tokens live in it) as a referrer and
# content sniffing; pages load nothing but their own styles and images.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    app.extensions["kassa"] = config
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    answers.install(app)
    if config.rate_limit:
        @app.before_request
        def rate_limited():
            if request.path == "/health":  # the supervisor's probe
                return None
            if (wait := rate_limit.wait_for(f"address:{request.remote_addr}", config.rate_limit)) is None:
                return None
            refusal = answers.problem(429, "P0B12", "too many requests from this address",
                                      f"at most {config.rate_limit} requests a minute", f"retry in {wait} s")
            refusal.headers["Retry-After"] = str(wait)
            return refusal

    @app.after_request
    def secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/health")
    def health():
        with pool().connection() as conn:
            conn.execute("SELECT 1")
        return jsonify(status="ok")

    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(topups.blueprint)
    app.register_blueprint(refunds.blueprint)
    app.register_blueprint(openapi.blueprint)
    return app


def app_from_environment() -> Flask:
    """The app gunicorn serves (`bridge.web:app_from_environment()`, called once per worker)."""
    return create_app(Config.from_environment())
