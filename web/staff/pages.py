"""Register the staff pages: sign-in, CSRF, tasks, cases, deployments and their assets."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the staff pages to the app."""
    from web.staff import assets, case_pages, csrf, deployment_pages, signin, task_pages

    signin.init_app(app)
    csrf.init_app(app)
    for blueprint in (task_pages.bp, case_pages.bp, deployment_pages.bp, assets.bp):
        app.register_blueprint(blueprint)
