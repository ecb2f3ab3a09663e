"""How many cores this process may use: the loader sizes its parsing pool from it, a batch its worker processes."""
from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (what a container or ``taskset`` allows), else every
    core the system has; at least 1. Loading a large bundle is bound by parsing on every core it gets, and a
    thread or process more than there are cores only makes them take turns."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def parsers_per_audit(audits: int) -> int:
    """Parsing threads for each of ``audits`` audits run at once, so that together they fill the cores once."""
    return max(1, usable_cores() // max(1, audits))
