"""Bearer-token authentication for API clients and out-of-process workers."""

from __future__ import annotations

import hmac
from functools import wraps

from flask import current_app, g, jsonify, request


def client_name() -> str | None:
    """Return the name of the client whose token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    offered = header.removeprefix("Bearer ").strip().encode()
    for name, token in current_app.config["API_TOKENS"].items():
        if hmac.compare_digest(offered, token.encode()):
            return name
    return None


def token_required(view):
    """Answer 401 and touch nothing unless a known token is presented."""

    @wraps(view)
    def guarded(*args, **kwargs):
        name = client_name()
        if name is None:
            response = jsonify(type="Unauthorized", message="a valid bearer token is required")
            response.headers["WWW-Authenticate"] = 'Bearer realm="licflow"'
            return response, 401
        g.client = name
        return view(*args, **kwargs)

    return guarded
