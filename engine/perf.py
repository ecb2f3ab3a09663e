"""Process-level settings for the hot path, and the stopwatch its stages report to the benchmarks."""
from __future__ import annotations

import contextlib
import gc
from time import perf_counter
from typing import Callable, Iterator


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


def stopwatch(timings: dict[str, float] | None) -> Callable[[str], None]:
    """``mark(stage)`` adds the seconds since the previous mark (or since this call) to ``timings[stage]``; with
    ``timings`` None it does nothing. A monotonic clock that only times stages: no result depends on it."""
    last = [perf_counter()]

    def mark(stage: str) -> None:
        if timings is not None:
            now = perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - last[0]
            last[0] = now
    return mark
