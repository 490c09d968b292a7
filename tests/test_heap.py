"""The server's long-lived objects leave the cyclic collector's generations (app.heap)."""

import gc
import weakref

import pytest

from alliance.app.heap import freeze_long_lived


@pytest.fixture
def thawed():
    gc.unfreeze()
    gc.collect()
    yield
    gc.unfreeze()
    gc.collect()


class Node:
    def __init__(self):
        self.peer = self


def test_survivors_are_frozen_once_then_left_alone(thawed):
    kept = [{"id": i} for i in range(30_000)]  # like a loaded index: long-lived containers
    gc.collect()  # as Streamlit does after a run: they reach the oldest generation
    frozen_before = gc.get_freeze_count()

    assert freeze_long_lived(threshold=20_000)
    assert gc.get_freeze_count() >= frozen_before + len(kept)
    assert len(gc.get_objects(generation=2)) < 20_000
    assert not freeze_long_lived(threshold=20_000)  # nothing new: no second collection


def test_a_cycle_frozen_then_dropped_is_reclaimed_at_the_next_refreeze(thawed):
    cycle = Node()
    alive = weakref.ref(cycle)
    gc.collect()
    assert freeze_long_lived(threshold=-1)
    del cycle
    gc.collect()
    assert alive() is not None  # frozen: a full collection does not see it

    assert freeze_long_lived(threshold=-1)
    assert alive() is None  # thawed, collected, the rest frozen again
