"""Camunda 7's REST API under /engine-rest: one module per resource family, one route table."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every resource family's routes and the blueprint that serves them."""
    from web.camunda import (  # noqa: F401  (importing a family registers its routes)
        decisions,
        definitions,
        deployments,
        history,
        history_records,
        incidents,
        instances,
        messages,
        openapi,
        rest,
        routes,
        tasks,
    )

    app.register_blueprint(routes.bp)
