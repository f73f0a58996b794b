"""Staff sign-in for `licflow serve`: the session secret key and the demo users.

The secret key signs session cookies; unless LICFLOW_SECRET_KEY is set, it is
generated once and kept in var/secret-key (0600), like the API token. When the users
table is empty, serve seeds one user per staff role with generated passwords, written
to var/demo-users.txt (0600).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import func, select

from engine.orchestrator import Orchestrator
from engine.people.users import add_user
from licflow.settings import ROOT, Settings
from store.models import User

SECRET_KEY_FILE = ROOT / "var" / "secret-key"
DEMO_USERS_FILE = ROOT / "var" / "demo-users.txt"
UNSET_SECRET = "dev-only-change-me"
DEMO_USERS = (
    ("officer", "officers", "Aigerim Officer"),
    ("head", "heads", "Nurlan Head"),
    ("auditor", "auditors", "Saule Auditor"),
    ("analyst", "analysts", "Daniyar Analyst"),
)


def _private_file(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(content)


def secret_key(settings: Settings, path: Path = SECRET_KEY_FILE) -> str:
    """Return the configured secret key, or the one kept in `path` (created on first use)."""
    if settings.secret_key and settings.secret_key != UNSET_SECRET:
        return settings.secret_key
    if not path.exists():
        _private_file(path, secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


def seed_demo_users(orchestrator: Orchestrator, path: Path = DEMO_USERS_FILE) -> list[str]:
    """Create one user per staff role when there are no users; return lines telling how to sign in."""
    with orchestrator.transaction() as db:
        if db.scalar(select(func.count(User.id))):
            return []
        lines = []
        for username, role, full_name in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            add_user(db, username, password, [role], full_name=full_name)
            lines.append(f"{username}\t{password}\t{role}")
    header = "# user\tpassword\trole (licflow serve seeded these; change them)\n"
    _private_file(path, header + "\n".join(lines) + "\n")
    return [f"seeded users officer, head, auditor and analyst: passwords in {path} (sign in at /signin)"]
