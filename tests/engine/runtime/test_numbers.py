"""License numbers come from a series without gaps or duplicates, once per task."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from engine.runtime import numbers


def test_the_same_task_gets_the_same_number_and_the_next_task_the_next(store):
    with store.unit_of_work() as session:
        first = numbers.allocate(session, "license:001:2025", "case-1:task-1")
        again = numbers.allocate(session, "license:001:2025", "case-1:task-1")
        second = numbers.allocate(session, "license:001:2025", "case-2:task-9")
        other_series = numbers.allocate(session, "license:001:2026", "case-2:task-9")
    assert (first, again, second, other_series) == (1, 1, 2, 1)


def test_concurrent_tasks_get_every_number_exactly_once(store):
    tasks = [f"case-{n}:task" for n in range(40)]

    def allocate(key: str) -> int:
        return numbers.allocator(store, key)("license:001:2025")  # a race is no error for the caller

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(allocate, tasks + tasks))  # every task asks twice
    by_task = dict(zip(tasks + tasks, got, strict=True))
    assert sorted(by_task.values()) == list(range(1, 41))
    assert got[:40] == got[40:]
