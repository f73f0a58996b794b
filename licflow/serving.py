"""Run the serving process: web, timer scheduler and in-process workers together.

The web app is served by gunicorn's web processes (`licflow.production`, one per core by
default) or, with `processes=0`, by a threaded werkzeug server in this one process. The timer
service and the in-process workers run here either way.
"""

from __future__ import annotations

import gc
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
from store.db import Store
from web import create_app

log = logging.getLogger("licflow")
# the heap settled once started (settle_heap): collections of the youngest generation after this
# many allocations (Python's default is 700), of each older one after OLDER of the one before
YOUNG = 50_000
OLDER = 10


class Server:
    """The web server, the timer service and the worker loop of one serving process."""

    def __init__(self, orchestrator: Orchestrator, settings: Settings, registry, api_tokens: dict) -> None:
        self.orchestrator = orchestrator
        self.settings = settings
        self.config = {"SECRET_KEY": settings.secret_key, "API_TOKENS": api_tokens}
        self.http = None
        if settings.processes == 0:
            self.http = make_server(
                settings.host, settings.port, create_app(orchestrator, self.config), threaded=True
            )
            self.port = self.http.server_port
        else:
            self.port = settings.port or _free_port(settings.host)
        self.timers = TimerService(orchestrator.store)
        self.workers = WorkerLoop(
            orchestrator.store, registry, worker_id=f"serve-{socket.gethostname()}-{os.getpid()}"
        )
        self.has_workers = bool(registry.handlers)
        self._stopped = threading.Event()

    @property
    def address(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    def run(self) -> None:
        """Start everything and serve until SIGINT or SIGTERM."""
        self.timers.start()
        if self.has_workers:
            self.workers.start()
        log.info("licflow serving on %s", self.address)
        settle_heap()  # what startup built lives as long as the process
        try:
            if self.http is None:
                self._serve_from_web_processes()
            else:
                self._serve_from_this_process()
        finally:
            self.stop()

    def _serve_from_this_process(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: threading.Thread(target=self.http.shutdown).start())
        self.http.serve_forever()

    def _serve_from_web_processes(self) -> None:
        from licflow.production import WebProcesses

        bind = f"{self.settings.host}:{self.port}"
        try:
            WebProcesses(self._web_process_app, bind, self.settings.processes, self.stop).run()
        except SystemExit as leaving:  # gunicorn's master ends with sys.exit, also on a clean stop
            if leaving.code not in (0, None):
                raise

    def _web_process_app(self):
        """Build the app inside a web process, on connections of its own.

        On PostgreSQL the web process runs a timer service of its own beside the master's: the
        claims keep each timer fired once, and the timers of one host fire on all its cores
        (SQLite takes one writer at a time, so there the master's service alone fires).
        """
        from licflow.production import ON_LEAVING

        self.orchestrator.store.engine.dispose(close=False)  # the master's pool stays the master's
        store = Store(self.settings.database_url)
        if store.is_postgresql:
            timers = TimerService(store)
            timers.start()
            ON_LEAVING.append(timers.stop)  # its claims go back as the web process leaves
        app = create_app(Orchestrator(store), self.config)
        settle_heap()  # the web process's own app and connections, as the master's startup
        return app

    def stop(self) -> None:
        """Stop the worker loop and the scheduler."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.workers.stop()
        self.timers.stop()


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def settle_heap() -> None:
    """Collect what startup left, freeze the rest, and collect the youngest generation less often.

    A serving process imports everything, parses its definitions and builds its app before it
    serves: hundreds of thousands of objects that live as long as it does. The cyclic
    collector walks every object of a generation each time it collects it, by default after
    700 allocations; a cold command (a timer fired on a case not in memory) allocates a few
    thousand as it rebuilds the case's workflow, and paid for collections that freed almost
    nothing. Frozen (`gc.freeze`), startup's objects are never walked, and a forked web
    process shares their pages with the master instead of copying them. What commands leave
    behind is still collected: the oldest generation after YOUNG x OLDER x OLDER allocations,
    a few hundred cold commands. `bench/heap.py` measures the difference.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, OLDER, OLDER)


def unsettle_heap() -> None:
    """Undo `settle_heap`: the frozen objects collectable again, Python's default thresholds."""
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
