"""Small helpers for filling the procedure's forms."""

from __future__ import annotations

from typing import Any


def grounds(*numbers: int) -> dict[str, Any]:
    """Return the form's ground boxes with `numbers` ticked."""
    return {f"ground_{n}": True for n in numbers}
