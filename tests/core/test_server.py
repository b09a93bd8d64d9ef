"""A worker's garbage collector after start-up (lms/server.py, called by wsgi.py)."""

from __future__ import annotations

import gc

from lms.server import YOUNG_OBJECTS_PER_COLLECTION, settle


def test_settle_freezes_start_up_objects_and_collects_young_ones_less_often():
    before = gc.get_threshold()
    kept = [["made at start-up"]]  # lists are always tracked by the collector
    assert any(o is kept for o in gc.get_objects())
    try:
        settle()
        # Frozen objects are in no generation, so no collection walks them again.
        assert gc.get_freeze_count() > 0
        assert all(o is not kept for o in gc.get_objects())
        assert gc.get_threshold() == (YOUNG_OBJECTS_PER_COLLECTION, before[1], before[2])
        # Garbage made afterwards is still collected.
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
