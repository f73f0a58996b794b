"""Worker module of the throughput benchmark: declares the topics of bench/diagrams/throughput.bpmn.

`licflow serve --workers bench.throughput_workers --no-workers` knows the topics but runs
no worker: the benchmark's HTTP clients lock and complete the tasks themselves.
"""

from __future__ import annotations

from engine.worker import WorkerRegistry

registry = WorkerRegistry()


@registry.topic("bench.check")
def check() -> dict:
    """Pass the check (the benchmark's clients complete it over HTTP instead)."""
    return {}


@registry.topic("bench.notify")
def notify() -> dict:
    """Send nothing (the benchmark's clients complete it over HTTP instead)."""
    return {}
