"""What every JSON body must be before it reaches the engine."""

from __future__ import annotations

from typing import Any


def has_nul(value: Any) -> bool:
    """Tell whether a NUL character hides in a JSON value's strings or keys (no database stores it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False
