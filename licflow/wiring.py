"""Plug the license procedure into the engine: the composition root's one wiring step."""

from __future__ import annotations

from engine import extensions, i18n
from licflow.translations import CATALOGS
from procedure.plugin import license_procedure


def install_procedure() -> None:
    """Install the license procedure and the translation catalogs into the engine (idempotent)."""
    extensions.install(license_procedure())
    i18n.install_catalogs(CATALOGS)
