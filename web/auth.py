"""Token authentication for API clients and out-of-process workers.

A client presents one of `API_TOKENS` ({client name: token}) as `Authorization: Bearer
<token>`. Routes for Camunda-style workers also take HTTP Basic with the token as the
password (the user name is only informational), which is what Camunda clients send.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from functools import wraps

from flask import current_app, g, jsonify, request


def client_name(allow_basic: bool = False) -> str | None:
    """Return the name of the client whose token the request carries, or None."""
    offered = _offered_token(allow_basic)
    if not offered:
        return None
    for name, token in current_app.config["API_TOKENS"].items():
        if hmac.compare_digest(offered.encode(), token.encode()):
            return name
    return None


def _offered_token(allow_basic: bool) -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if allow_basic and scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _user, colon, password = decoded.partition(":")
        return password if colon else None
    return None


def unauthorized(allow_basic: bool = False):
    """The 401 answer, with a challenge for each scheme the route accepts."""
    expected = "a valid bearer token" + (" or HTTP Basic with a token as password" if allow_basic else "")
    response = jsonify(type="Unauthorized", message=f"{expected} is required")
    if allow_basic:
        response.headers.add("WWW-Authenticate", 'Basic realm="licflow"')
    response.headers.add("WWW-Authenticate", 'Bearer realm="licflow"')
    response.status_code = 401
    return response


def token_required(view):
    """Answer 401 and touch nothing unless a known bearer token is presented."""

    @wraps(view)
    def guarded(*args, **kwargs):
        name = client_name()
        if name is None:
            return unauthorized()
        g.client = name
        return view(*args, **kwargs)

    return guarded
