"""Settings read from the environment, with embedded defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'licflow.db'}"


@dataclass(frozen=True)
class Settings:
    """Where the database is, where to serve, and which worker modules to load."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    bpmn_dir: Path = ROOT / "bpmn"
    worker_modules: tuple[str, ...] = field(default_factory=tuple)
    secret_key: str = "dev-only-change-me"
    # web processes of `licflow serve` (gunicorn workers); 0 serves from the one process (werkzeug)
    processes: int = field(default_factory=lambda: os.cpu_count() or 1)

    @classmethod
    def from_environment(cls) -> Settings:
        """Read LICFLOW_* and DATABASE_URL; anything unset keeps its default."""
        env = os.environ
        modules = env.get("LICFLOW_WORKERS", "")
        return cls(
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            host=env.get("LICFLOW_HOST", "127.0.0.1"),
            port=int(env.get("LICFLOW_PORT", "8080")),
            bpmn_dir=Path(env.get("LICFLOW_BPMN_DIR", str(ROOT / "bpmn"))),
            worker_modules=tuple(m for m in modules.split(",") if m.strip()),
            secret_key=env.get("LICFLOW_SECRET_KEY", "dev-only-change-me"),
            processes=int(env.get("LICFLOW_PROCESSES", str(os.cpu_count() or 1))),
        )
