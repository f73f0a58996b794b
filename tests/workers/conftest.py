"""The workers' outside world in these tests: a loopback SMTP stand-in keeping what arrives."""

from __future__ import annotations

import pytest

from standins.mail import MailSink
from workers.settings import settings


@pytest.fixture
def sink(tmp_path, monkeypatch):
    """The stand-in mail server, with the workers' settings pointing at it."""
    sink = MailSink(directory=tmp_path / "mail")
    sink.start()
    monkeypatch.setenv("LICFLOW_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
    settings.cache_clear()
    yield sink
    sink.stop()
    settings.cache_clear()
