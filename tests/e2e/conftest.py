"""The outside world of the end-to-end runs: licflow's HTTP API, the stand-ins and a mail sink."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine.orchestrator import Orchestrator
from engine.runtime.definitions import read_documents
from standins.app import create_app as create_standins
from standins.mail import MailSink
from standins.server import StandInServer
from tests.conftest import ROOT
from web import create_app
from workers.settings import settings as worker_settings

TOKEN = "e2e-token-0123456789"


@dataclass
class World:
    """What an end-to-end run talks to, all on loopback ports."""

    orchestrator: Orchestrator
    engine_url: str
    standins: StandInServer
    mail: MailSink
    documents: Path

    def worker_environment(self) -> dict[str, str]:
        """The variables a `licflow worker` process needs to reach all of it."""
        return {
            "LICFLOW_ENGINE_URL": self.engine_url,
            "LICFLOW_API_TOKEN": TOKEN,
            "LICFLOW_OUTSIDE_URL": self.standins.url,
            "LICFLOW_SMTP_URL": f"smtp://127.0.0.1:{self.mail.port}",
            "LICFLOW_DOCUMENTS_DIR": str(self.documents),
        }


@pytest.fixture
def mail_sink(tmp_path):
    """A loopback SMTP server keeping what arrives; tests may pass their own subclass."""
    return MailSink(directory=tmp_path / "mail")


@pytest.fixture
def world(orchestrator, mail_sink, monkeypatch, tmp_path):
    """licflow's web API with the real diagrams, the stand-ins and a mail sink; workers point at them."""
    app = create_app(orchestrator, {"API_TOKENS": {"e2e": TOKEN}})
    web = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=web.serve_forever, args=(0.05,), daemon=True).start()
    engine_url = f"http://127.0.0.1:{web.server_port}"
    standins = StandInServer(
        create_standins(
            test_config={"ENGINE_URL": engine_url, "ENGINE_TOKEN": TOKEN, "DELIVER_IN_BACKGROUND": False}
        )
    )
    standins.start()
    mail_sink.start()
    here = World(orchestrator, engine_url, standins, mail_sink, tmp_path / "documents")
    for name, value in here.worker_environment().items():
        monkeypatch.setenv(name, value)
    worker_settings.cache_clear()
    import workers.outside

    workers.outside.use(None)
    orchestrator.deploy(read_documents(sorted((ROOT / "bpmn").glob("*.*"))))
    yield here
    standins.stop()
    mail_sink.stop()
    web.shutdown()
    worker_settings.cache_clear()
    workers.outside.use(None)
