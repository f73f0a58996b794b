"""The web layer: create_app() builds the Flask application."""

from web.app import create_app

__all__ = ["create_app"]
