"""What the diagram tests share: which diagrams exist, and how missing tooling is treated."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LICFLOW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def diagram_files() -> list[Path]:
    """Return every diagram of the project, of the tests and of the benchmarks."""
    files = sorted((ROOT / "bpmn").rglob("*.bpmn")) if (ROOT / "bpmn").is_dir() else []
    files += sorted((ROOT / "tests" / "diagrams").glob("*.bpmn"))
    files += sorted((ROOT / "bench").glob("*.bpmn"))
    files += sorted((ROOT / "tests" / "dialect" / "diagrams").glob("*.bpmn"))
    return files


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI (CI=true) missing tooling is an error, not a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def chromium_browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright; skipped (failed in CI) when missing."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Python package 'playwright' missing: run `.venv/bin/pip install playwright`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
