"""The Flask application factory."""

from __future__ import annotations

from flask import Flask

from engine.orchestrator import Orchestrator


def create_app(orchestrator: Orchestrator, test_config: dict | None = None) -> Flask:
    """Build the app around an orchestrator; blueprints are registered here."""
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY="dev-only-change-me", API_TOKENS={})
    if test_config:
        app.config.from_mapping(test_config)
    app.extensions["licflow"] = orchestrator

    from web import camunda, engine_api, errors, health, i18n

    errors.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(engine_api.bp)
    camunda.init_app(app)
    from web.staff import pages as staff_pages

    staff_pages.init_app(app)
    from web.portal import api as portal_api

    portal_api.init_app(app)
    from web.staff import audit_pages

    audit_pages.init_app(app)
    return app
