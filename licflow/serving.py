"""Run the serving process: web, timer scheduler and in-process workers together."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from werkzeug.serving import make_server

from engine.external.worker_loop import WorkerLoop
from engine.orchestrator import Orchestrator
from engine.runtime.timers import TimerService
from licflow.settings import Settings
from web import create_app

log = logging.getLogger("licflow")


class Server:
    """The web server, the timer service and the worker loop of one process."""

    def __init__(self, orchestrator: Orchestrator, settings: Settings, registry, api_tokens: dict) -> None:
        self.orchestrator = orchestrator
        app = create_app(orchestrator, {"SECRET_KEY": settings.secret_key, "API_TOKENS": api_tokens})
        self.http = make_server(settings.host, settings.port, app, threaded=True)
        self.timers = TimerService(orchestrator.store)
        self.workers = WorkerLoop(
            orchestrator.store, registry, worker_id=f"serve-{socket.gethostname()}-{os.getpid()}"
        )
        self.has_workers = bool(registry.handlers)
        self._stopped = threading.Event()

    @property
    def address(self) -> str:
        return f"http://{self.http.server_address[0]}:{self.http.server_port}"

    def run(self) -> None:
        """Start everything and serve until SIGINT or SIGTERM."""
        self.timers.start()
        if self.has_workers:
            self.workers.start()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: threading.Thread(target=self.http.shutdown).start())
        log.info("licflow serving on %s", self.address)
        try:
            self.http.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the worker loop and the scheduler."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.workers.stop()
        self.timers.stop()
