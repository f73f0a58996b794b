"""Plug the license procedure into the engine: the composition root's one wiring step."""

from __future__ import annotations

from engine import extensions
from procedure.plugin import license_procedure


def install_procedure() -> None:
    """Install the license procedure's registration points into the engine (idempotent)."""
    extensions.install(license_procedure())
