"""Serve the web app from several processes with gunicorn, one per core by default.

The serving process is gunicorn's master: it keeps the timer service, the in-process workers
and the embedded stand-ins, and forks the web processes. On PostgreSQL each web process
fires timers too, so that due timers are fired on every core. Each web process builds its own app
and database connections after the fork (nothing pooled crosses a fork). Timers and tasks are
claimed through the database, so each is still handled once however many processes or hosts
serve one database. SIGTERM or SIGINT stops gracefully: the web processes finish their
requests, then the master stops its timers and workers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

log = logging.getLogger("licflow")
# a long-polled fetch-and-lock holds a thread for up to its timeout; threads keep requests flowing
THREADS_PER_PROCESS = 16
GRACEFUL_TIMEOUT_SECONDS = 20
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_the_master() -> None:
    """Have the kernel kill this web process when the master dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: gunicorn's own check of its parent ends the process within seconds
        log.warning("web processes outlive a killed master by a few seconds on this system")


ON_LEAVING: list[Callable[[], None]] = []  # run in a web process as it leaves (its timer service)


def _leave() -> None:
    for stop in ON_LEAVING:
        try:
            stop()
        except Exception:  # leaving goes on: the claims it held lapse with their lease
            log.exception("a web process could not stop cleanly")
    os._exit(0)


class WebProcesses(BaseApplication):
    """gunicorn serving `make_app()`, called once in each web process after the fork."""

    def __init__(self, make_app: Callable, bind: str, processes: int, on_stop: Callable[[], None]) -> None:
        self.make_app = make_app
        self.options = {
            "bind": bind,
            "workers": processes,
            "worker_class": "gthread",
            "threads": THREADS_PER_PROCESS,
            "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
            "timeout": 120,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "preload_app": False,
            "on_exit": lambda _arbiter: on_stop(),
            # a web process is a fork of the master: leaving it must not unwind the master's frames
            # (which would stop the master's timers, workers and stand-ins in the copy)
            "worker_exit": lambda _arbiter, _worker: _leave(),
            "post_fork": lambda _arbiter, _worker: die_with_the_master(),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.make_app()
