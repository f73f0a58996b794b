"""Cold and warm commands with Python's default cyclic collector and with the heap settled.

`licflow serve` settles its heap once it has started (licflow/serving.py: the startup objects
frozen, the youngest generation collected after 50,000 allocations instead of 700). Two
kinds of command are measured, alternately under each setting, in the same run:

- cold fire: a sweep fires the due timers of cases not in memory (bench/diagrams/
  timer_lateness.bpmn, each case read and rebuilt from its state, as after a restart);
- warm instance: the throughput diagram run through the engine's Python API (the cases
  stay in memory between commands).

Each round starts from a copy of the same database with the case cache emptied; the figure
is the median of the rounds. `python -m bench.heap --quick` runs small.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

import time_machine

from bench.databases import scratch_databases
from bench.throughput import durable_instances_per_second
from bench.timer_lateness import WINDOW_STARTS, Size, copy_of, create_cases
from engine.orchestrator import Orchestrator
from engine.runtime.case_cache import CASES
from engine.runtime.timers import sweep_due_timers
from licflow import serving
from store.db import Store

FULL = {"timers": 1_000, "instances": 200, "rounds": 4}
QUICK = {"timers": 100, "instances": 30, "rounds": 2}
SETTINGS: dict[str, Callable[[], None]] = {"default": serving.unsettle_heap, "settled": serving.settle_heap}


def cold_fire_ms(url: str, timers: int, setting: Callable[[], None]) -> float:
    """Fire every due timer of a copy of the database at `url`; return ms per timer."""
    with copy_of(url) as copy:
        store = Store(copy)
        CASES.clear()
        setting()
        try:
            with time_machine.travel(WINDOW_STARTS + timedelta(hours=1), tick=True):
                started = time.perf_counter()
                fired = sweep_due_timers(store, limit=timers).fired
                elapsed = time.perf_counter() - started
        finally:
            serving.unsettle_heap()
            store.dispose()
    if fired != timers:
        raise RuntimeError(f"{fired} of {timers} timers fired")
    return 1000 * elapsed / fired


def warm_instance_ms(orchestrator: Orchestrator, instances: int, setting: Callable[[], None]) -> float:
    """Run `instances` instances of the throughput diagram; return ms per instance."""
    CASES.clear()
    setting()
    try:
        return 1000 / durable_instances_per_second(orchestrator, instances)
    finally:
        serving.unsettle_heap()


def main(argv: list[str] | None = None) -> None:
    size = QUICK if "--quick" in (sys.argv[1:] if argv is None else argv) else FULL
    print(
        "the heap settled (licflow/serving.py settle_heap) against Python's default collector:"
        f" median of {size['rounds']} alternating rounds,"
        f" {size['timers']:,} cold fires / {size['instances']} warm instances each"
    )
    print(f"{'database':<11} {'command':<16} {'default ms':>11} {'settled ms':>11} {'speed-up':>9}")
    for label, url in scratch_databases():
        print(f"  ... {label}: starting {size['timers']:,} cases", file=sys.stderr, flush=True)
        create_cases(url, Size(size["timers"], 10.0, 0.0))
        fires: dict[str, list[float]] = {name: [] for name in SETTINGS}
        for _ in range(size["rounds"]):
            for name, setting in SETTINGS.items():
                fires[name].append(cold_fire_ms(url, size["timers"], setting))
        _row(label, "cold fire", fires)
        store = Store(url)
        orchestrator = Orchestrator(store)
        durable_instances_per_second(orchestrator, 20)  # deploys the diagram, warms the caches
        instances: dict[str, list[float]] = {name: [] for name in SETTINGS}
        for _ in range(size["rounds"]):
            for name, setting in SETTINGS.items():
                instances[name].append(warm_instance_ms(orchestrator, size["instances"], setting))
        store.dispose()
        _row(label, "warm instance", instances)
    gc.collect()


def _row(label: str, command: str, figures: dict[str, list[float]]) -> None:
    default, settled = (statistics.median(figures[name]) for name in SETTINGS)
    print(f"{label:<11} {command:<16} {default:11.2f} {settled:11.2f} {default / settled:9.2f}", flush=True)


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
