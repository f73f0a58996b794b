"""The embedded outside world of `licflow serve`: the stand-in systems and a mail sink.

When LICFLOW_OUTSIDE_URL is not set, the bundled stand-ins (payment gateway,
registries, courts, bailiffs, NSC and approving bodies) run in the serving process
on 127.0.0.1:8091; when LICFLOW_SMTP_URL is not set, a loopback SMTP server on
127.0.0.1:8025 keeps the e-mails in var/mail/ as .eml files. The workers are pointed
at them before they first run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from licflow.settings import ROOT
from standins.app import create_app as create_standins
from standins.mail import MailSink
from standins.server import StandInServer
from workers.settings import settings as worker_settings

STANDINS_PORT = 8091
MAIL_PORT = 8025
MAIL_DIR = ROOT / "var" / "mail"


@dataclass
class EmbeddedWorld:
    """What was started here, to stop it again."""

    started: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for part in reversed(self.started):
            part.stop()
        self.started.clear()


def start_embedded_world(engine_url: str, engine_token: str) -> EmbeddedWorld:
    """Start the stand-ins and the mail sink that the environment does not replace."""
    world = EmbeddedWorld()
    if not os.environ.get("LICFLOW_OUTSIDE_URL"):
        app = create_standins(test_config={"ENGINE_URL": engine_url, "ENGINE_TOKEN": engine_token})
        server = StandInServer(app, "127.0.0.1", int(os.environ.get("LICFLOW_STANDINS_PORT", STANDINS_PORT)))
        server.start()
        world.started.append(server)
        os.environ["LICFLOW_OUTSIDE_URL"] = server.url
        world.notes.append(f"stand-in outside systems on {server.url} (seed: standins/seed.json)")
    if not os.environ.get("LICFLOW_SMTP_URL"):
        sink = MailSink("127.0.0.1", int(os.environ.get("LICFLOW_MAIL_PORT", MAIL_PORT)), MAIL_DIR)
        sink.start()
        world.started.append(sink)
        os.environ["LICFLOW_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
        world.notes.append(f"mail sink on smtp://127.0.0.1:{sink.port}, e-mails kept in {MAIL_DIR}")
    worker_settings.cache_clear()
    return world
