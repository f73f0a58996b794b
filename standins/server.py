"""Serve the stand-ins' app on a loopback port in a thread, for tests and licflow's `serve`."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server

from standins.app import StandInApp

POLL_SECONDS = 0.05  # how soon stop() is noticed


class StandInServer:
    """The stand-ins' HTTP server in a background thread; binds when created."""

    def __init__(self, app: StandInApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._http = make_server(host, port, app, threaded=True)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the base URL the server answers on."""
        return f"http://{self._http.server_address[0]}:{self._http.server_port}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._http.serve_forever, args=(POLL_SECONDS,), name="standins-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close the socket and stop delivering consultation answers."""
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join()
            self._thread = None
        self._http.server_close()
        self.app.shutdown()
