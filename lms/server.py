"""How a long-running worker process treats Python's garbage collector (see wsgi.py).

Measured on the national benchmark (BENCHMARKS.md): building a cohort's evaluation makes
tens of thousands of small objects, and with the collector's defaults a quarter of the
report's time went on collections walking objects that are never garbage."""

from __future__ import annotations

import gc

# Collect the youngest generation after this many new container objects, not 700 (the
# default): a page's objects mostly die with its request, so fewer, larger passes cost
# less for the same memory reclaimed.
YOUNG_OBJECTS_PER_COLLECTION = 10_000


def settle() -> None:
    """Call once the app is made: what start-up built (modules, routes, the plugin
    catalogue, the curriculum) lives as long as the worker, so it is frozen out of every
    later collection, and young objects are collected less often."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, middle, oldest)
