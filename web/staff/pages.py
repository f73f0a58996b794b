"""Register the staff pages: sign-in, CSRF, tasks, cases, deployments and their assets."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engine import clock


def almaty(moment: datetime | None) -> str:
    """Format a moment in Asia/Almaty, the time every deadline of the Rules is in."""
    if moment is None:
        return "—"
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


def init_app(app: Flask) -> None:
    """Add the staff pages to the app."""
    from web.staff import assets, case_pages, csrf, deployment_pages, signin, task_pages

    signin.init_app(app)
    csrf.init_app(app)
    app.jinja_env.filters["almaty"] = almaty
    for blueprint in (task_pages.bp, case_pages.bp, deployment_pages.bp, assets.bp):
        app.register_blueprint(blueprint)
