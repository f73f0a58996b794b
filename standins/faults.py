"""Injected faults: slow answers, error statuses and malformed bodies under a path prefix.

A faulted request is answered before it reaches its endpoint, so it changes nothing
(a failed `use` of a payment does not use it).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from standins.requests import json_object

MALFORMED_BODY = '{"truncated": '
MAX_DELAY_SECONDS = 60.0

bp = Blueprint("faults", __name__, url_prefix="/_faults")


@dataclass
class Fault:
    """What the next requests under `path_prefix` suffer."""

    path_prefix: str
    delay_seconds: float = 0.0
    fail_times: int = 0
    status: int = 503
    malformed_times: int = 0

    @classmethod
    def read(cls, data: dict[str, Any]) -> Fault:
        """Return the fault `data` describes; raise BadRequest naming what does not fit."""
        prefix = data.get("path_prefix")
        if not isinstance(prefix, str) or not prefix.startswith("/"):
            raise BadRequest("'path_prefix' must be a path starting with '/'")
        delay = data.get("delay_seconds", 0.0)
        if not _is_number(delay) or not 0 <= delay <= MAX_DELAY_SECONDS:
            raise BadRequest(f"'delay_seconds' must be a number from 0 to {MAX_DELAY_SECONDS:g}")
        counts = {name: data.get(name, 0) for name in ("fail_times", "malformed_times")}
        for name, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise BadRequest(f"'{name}' must be a whole number, 0 or more")
        status = data.get("status", 503)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise BadRequest("'status' must be an HTTP error status, 400 to 599")
        return cls(prefix, float(delay), counts["fail_times"], status, counts["malformed_times"])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class FaultEffect(NamedTuple):
    """What one request suffers: a delay, then maybe a failure or a malformed body."""

    delay_seconds: float = 0.0
    kind: str | None = None  # "fail", "malformed" or None
    status: int = 200


class FaultBook:
    """The faults in force, one per path prefix; the longest matching prefix applies."""

    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._faults: dict[str, Fault] = {}
        self._lock = threading.Lock()
        for fault in faults or []:
            self.add(fault)

    def add(self, fault: Fault) -> None:
        """Put `fault` in force, replacing any fault of the same prefix."""
        with self._lock:
            self._faults[fault.path_prefix] = fault

    def clear(self) -> None:
        """Take every fault out of force."""
        with self._lock:
            self._faults.clear()

    def listing(self) -> list[dict[str, Any]]:
        """Return the faults in force, with what is left of their counts."""
        with self._lock:
            return [asdict(fault) for fault in self._faults.values()]

    def take(self, path: str) -> FaultEffect:
        """Return what a request to `path` suffers, counting it against the fault."""
        with self._lock:
            matching = [fault for prefix, fault in self._faults.items() if path.startswith(prefix)]
            if not matching:
                return FaultEffect()
            fault = max(matching, key=lambda f: len(f.path_prefix))
            if fault.fail_times > 0:
                fault.fail_times -= 1
                return FaultEffect(fault.delay_seconds, "fail", fault.status)
            if fault.malformed_times > 0:
                fault.malformed_times -= 1
                return FaultEffect(fault.delay_seconds, "malformed")
            return FaultEffect(fault.delay_seconds)


def _book() -> FaultBook:
    return current_app.extensions["standins"].faults


def suffer_faults():
    """Delay, fail or garble this request as the faults in force say."""
    if request.path.startswith(bp.url_prefix):
        return None
    effect = _book().take(request.path)
    if effect.delay_seconds:
        time.sleep(effect.delay_seconds)  # the fault is the delay itself
    if effect.kind == "fail":
        return jsonify(error=f"injected fault: status {effect.status}"), effect.status
    if effect.kind == "malformed":
        return Response(MALFORMED_BODY, status=200, mimetype="application/json")
    return None


def init_app(app: Flask) -> None:
    """Make every request pass through the fault book first."""
    app.before_request(suffer_faults)
    app.register_blueprint(bp)


@bp.post("")
def add_fault():
    """Put a fault in force for a path prefix."""
    fault = Fault.read(json_object())
    _book().add(fault)
    return jsonify(asdict(fault)), 201


@bp.get("")
def list_faults():
    """List the faults in force."""
    return jsonify(faults=_book().listing())


@bp.delete("")
def clear_faults():
    """Take every fault out of force, seeded ones included."""
    _book().clear()
    return "", 204
