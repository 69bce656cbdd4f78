"""The bridge web process: webhooks, payment pages, document downloads (Flask).

Run by gunicorn as `bridge.web:app`. Every gateway's blueprint registers itself here.
"""
from __future__ import annotations

from flask import Flask, jsonify

from bridge import answers, refunds, topups, webhooks
from bridge.db import pool


def create_app() -> Flask:
    app = Flask(__name__)
    answers.install(app)

    @app.get("/health")
    def health():
        with pool().connection() as conn:
            conn.execute("SELECT 1")
        return jsonify(status="ok")

    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(topups.blueprint)
    app.register_blueprint(refunds.blueprint)
    return app


app = create_app()
