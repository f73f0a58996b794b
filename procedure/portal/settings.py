"""Settings of the applicant portal, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_DOCUMENT_BYTES = 256 * 1024


@dataclass(frozen=True)
class PortalSettings:
    """The trusted CA bundle, where the result documents are, and the size limit of a submission."""

    trusted_ca: Path = ROOT / "var" / "trusted-ca.pem"
    documents_dir: Path = ROOT / "var" / "documents"
    max_document_bytes: int = MAX_DOCUMENT_BYTES

    @classmethod
    def from_environment(cls) -> PortalSettings:
        """Read LICFLOW_TRUSTED_CA and LICFLOW_DOCUMENTS_DIR; anything unset keeps its default."""
        env = os.environ
        defaults = cls()
        return cls(
            trusted_ca=Path(env.get("LICFLOW_TRUSTED_CA", str(defaults.trusted_ca))),
            documents_dir=Path(env.get("LICFLOW_DOCUMENTS_DIR", str(defaults.documents_dir))),
        )
