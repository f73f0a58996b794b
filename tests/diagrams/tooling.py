"""What the diagram tests share: which diagrams exist, and how missing tooling is treated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def diagram_files() -> list[Path]:
    """Return every diagram of the project and of the tests."""
    files = sorted((ROOT / "bpmn").rglob("*.bpmn")) if (ROOT / "bpmn").is_dir() else []
    files += sorted((ROOT / "tests" / "diagrams").glob("*.bpmn"))
    return files


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI (CI=true) missing tooling is an error, not a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)
