"""The workers' outside world in these tests: a loopback SMTP stand-in and a documents folder."""

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


@pytest.fixture
def documents(tmp_path, monkeypatch):
    """The folder the workers write documents into, fresh for the test."""
    monkeypatch.setenv("LICFLOW_DOCUMENTS_DIR", str(tmp_path / "documents"))
    settings.cache_clear()
    yield tmp_path / "documents"
    settings.cache_clear()
