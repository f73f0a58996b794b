"""Clients in parallel: the load a benchmark puts on the engine or the server, and its rate."""

from __future__ import annotations

import threading
import time


def rate_of(clients: int, per_client: int, run_one) -> float:
    """Run `per_client` instances on each of `clients` threads; return instances/s over all."""
    barrier = threading.Barrier(clients + 1)
    failures: list[BaseException] = []

    def client(number: int) -> None:
        barrier.wait()
        try:
            for instance in range(per_client):
                run_one(number, instance)
        except BaseException as error:  # reported after the run: a server error fails the benchmark
            failures.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return clients * per_client / (time.perf_counter() - started)
