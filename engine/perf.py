"""Process-level settings for the hot path."""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk step allocates millions of small objects.

    Loading a large export creates millions of tuples and dicts; each 700 allocations trigger a collection that
    walks the young generation, and the older ones are walked again and again as the heap grows, which made
    loading several times slower. Nothing in the step makes reference cycles, so reference counting frees what
    it frees and the collector runs once afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
