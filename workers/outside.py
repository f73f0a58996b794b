"""A small HTTP client for the outside systems: payment gateway, registries, courts,
bailiffs, basis documents and the consulted bodies.

Every call has a timeout. A timeout, a refused connection, a 5xx answer or a body
that is not the JSON expected raises `OutsideSystemUnavailable`: a technical failure,
which the engine retries with backoff and then turns into an incident, so a case is
never decided on a broken answer. "Not found" is an answer (None), not a failure.
"""

from __future__ import annotations

from typing import Any

import httpx

from workers.settings import settings


class OutsideSystemUnavailable(Exception):
    """An outside system did not give a usable answer; the task is retried."""


class OutsideSystems:
    """JSON over HTTP to the outside systems at one base URL."""

    def __init__(self, base_url: str, timeout: float, transport: httpx.BaseTransport | None = None) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def get(self, path: str, **params: Any) -> dict[str, Any] | None:
        """GET `path`; return its JSON object, or None when the system knows nothing of it."""
        return self._call("GET", path, params=params or None)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """POST a JSON body to `path`; return the JSON object answered."""
        return self._call("POST", path, json=body)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        where = f"{method} {self.client.base_url}{path}"
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException as error:
            raise OutsideSystemUnavailable(f"{where}: no answer in time ({error})") from error
        except httpx.HTTPError as error:
            raise OutsideSystemUnavailable(f"{where}: {error}") from error
        if response.status_code == 404:
            return None
        if response.status_code >= 500:
            raise OutsideSystemUnavailable(f"{where}: answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise OutsideSystemUnavailable(f"{where}: the answer is not JSON") from error
        if not isinstance(body, dict):
            raise OutsideSystemUnavailable(f"{where}: the answer is not a JSON object")
        if response.status_code >= 400:
            body.setdefault("status", response.status_code)
        return body


_systems: OutsideSystems | None = None


def outside() -> OutsideSystems:
    """Return the client of the configured outside systems."""
    global _systems
    if _systems is None:
        config = settings()
        _systems = OutsideSystems(config.outside_url, config.outside_timeout)
    return _systems


def use(systems: OutsideSystems | None) -> None:
    """Make the workers talk to `systems` (None: back to the configured ones)."""
    global _systems
    _systems = systems


def require(body: dict[str, Any] | None, *fields: str, what: str) -> dict[str, Any]:
    """Return `body` if it has every field, else raise OutsideSystemUnavailable."""
    if body is None:
        raise OutsideSystemUnavailable(f"{what}: no answer")
    missing = [name for name in fields if name not in body]
    if missing:
        raise OutsideSystemUnavailable(f"{what}: the answer lacks {', '.join(missing)}")
    return body
