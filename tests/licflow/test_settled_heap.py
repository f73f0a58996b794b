"""A serving process settles its heap once started: startup's objects frozen, young collections rarer."""

import gc
import weakref

import pytest

from licflow import serving


@pytest.fixture
def settled():
    serving.settle_heap()
    yield
    serving.unsettle_heap()


def test_settling_freezes_what_exists_and_collects_the_young_generation_less_often(settled):
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (serving.YOUNG, serving.OLDER, serving.OLDER)


def test_cyclic_garbage_made_after_settling_is_still_collected(settled):
    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first
    watched = weakref.ref(first)
    del first, second
    gc.collect()
    assert watched() is None


def test_unsettling_gives_back_pythons_defaults():
    serving.settle_heap()
    serving.unsettle_heap()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (700, 10, 10)
