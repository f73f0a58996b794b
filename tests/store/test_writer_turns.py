"""Writers to one SQLite file take turns: threads and processes queue, and a nested turn never waits."""

from __future__ import annotations

import multiprocessing
import threading
import time

from store.writers import WriterTurns, lock_file_of


def _turns(tmp_path, wait_seconds: float = 5.0) -> WriterTurns:
    return WriterTurns(lock_file_of(str(tmp_path / "licflow.db")), wait_seconds)


def test_the_lock_file_lies_beside_the_database_and_an_in_memory_database_has_none(tmp_path):
    assert lock_file_of(str(tmp_path / "licflow.db")) == tmp_path / "licflow.db-writers"
    assert lock_file_of(":memory:") is None


def test_a_second_thread_waits_until_the_first_writer_ends_its_turn(tmp_path):
    turns = _turns(tmp_path)
    order, first_inside, first_may_end = [], threading.Event(), threading.Event()

    def first():
        with turns.turn():
            first_inside.set()
            first_may_end.wait(5)
            order.append("first ends")

    def second():
        first_inside.wait(5)
        with turns.turn():
            order.append("second begins")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_inside.wait(5)
    first_may_end.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first ends", "second begins"]


def test_a_turn_inside_a_turn_of_the_same_thread_goes_on_at_once(tmp_path):
    turns = _turns(tmp_path, wait_seconds=30.0)
    with turns.turn(), turns.turn():
        pass
    with turns.turn():  # the outer turn was given back whole
        pass


def _try_a_turn(path, answers) -> None:
    turns = WriterTurns(path, 0.0)
    answers.put(turns._take_file_turn(time.monotonic()))


def test_another_process_gets_no_turn_while_this_one_holds_it_and_gets_it_after(tmp_path):
    turns = _turns(tmp_path)
    forking = multiprocessing.get_context("fork")
    answers = forking.Queue()
    with turns.turn():
        child = forking.Process(target=_try_a_turn, args=(turns.path, answers))
        child.start()
        assert answers.get(timeout=10) is False
        child.join(10)
    child = forking.Process(target=_try_a_turn, args=(turns.path, answers))
    child.start()
    assert answers.get(timeout=10) is True
    child.join(10)


def _turn_in_child(turns, answers) -> None:
    started = time.monotonic()
    with turns.turn():
        answers.put(time.monotonic() - started)


def test_a_process_forked_while_another_thread_holds_a_turn_starts_with_a_free_queue(tmp_path):
    turns = _turns(tmp_path, wait_seconds=30.0)
    holding, may_end = threading.Event(), threading.Event()

    def hold():
        with turns.turn():
            holding.set()
            may_end.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    forking = multiprocessing.get_context("fork")
    answers = forking.Queue()
    child = forking.Process(target=_turn_in_child, args=(turns, answers))
    child.start()  # forked while the holder's turn runs
    may_end.set()  # the parent's turn ends: the child's file turn comes; its thread lock is its own
    assert answers.get(timeout=20) < 10  # not the 30 s a lock copied held from the parent would cost
    child.join(10)
    holder.join(5)
