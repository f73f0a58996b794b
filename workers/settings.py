"""Where the workers find the outside systems, the mail server and the document store.

Read from the environment when a worker first needs them; the defaults are the
embedded set-up on one machine (the bundled stand-ins on 127.0.0.1:8091, mail on
127.0.0.1:8025).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class WorkerSettings:
    """The outside systems' base URL and timeouts, mail, documents and the authority code."""

    outside_url: str = "http://127.0.0.1:8091"
    outside_timeout: float = 10.0
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "licenses@industry.gov.kz.example"
    officers_email: str = "officers@industry.gov.kz.example"
    heads_email: str = "heads@industry.gov.kz.example"
    documents_dir: Path = ROOT / "var" / "documents"
    # EEC Decision 199 [assumed for KZ]: the issuing authority's 3-character code.
    authority_code: str = "001"

    @classmethod
    def from_environment(cls) -> WorkerSettings:
        env = os.environ
        defaults = cls()
        return cls(
            outside_url=env.get("LICFLOW_OUTSIDE_URL", defaults.outside_url).rstrip("/"),
            outside_timeout=float(env.get("LICFLOW_OUTSIDE_TIMEOUT", defaults.outside_timeout)),
            smtp_url=env.get("LICFLOW_SMTP_URL", defaults.smtp_url),
            mail_from=env.get("LICFLOW_MAIL_FROM", defaults.mail_from),
            officers_email=env.get("LICFLOW_OFFICERS_EMAIL", defaults.officers_email),
            heads_email=env.get("LICFLOW_HEADS_EMAIL", defaults.heads_email),
            documents_dir=Path(env.get("LICFLOW_DOCUMENTS_DIR", str(defaults.documents_dir))),
            authority_code=env.get("LICFLOW_AUTHORITY_CODE", defaults.authority_code),
        )


@lru_cache(maxsize=1)
def settings() -> WorkerSettings:
    """Return the workers' settings, read once from the environment."""
    return WorkerSettings.from_environment()
