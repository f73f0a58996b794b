"""Collect the worker registries of the configured modules into one."""

from __future__ import annotations

import importlib

from engine.worker import WorkerRegistry
from workers import MODULES as BUNDLED_WORKER_MODULES


def load_registry(modules: tuple[str, ...]) -> WorkerRegistry:
    """Import each module and merge its `registry`; a topic registered twice fails."""
    merged = WorkerRegistry()
    for name in (*BUNDLED_WORKER_MODULES, *modules):
        module = importlib.import_module(name)
        registry = getattr(module, "registry", None)
        if not isinstance(registry, WorkerRegistry):
            raise SystemExit(f"worker module {name} has no `registry` (a WorkerRegistry)")
        merged.include(registry)
    return merged
