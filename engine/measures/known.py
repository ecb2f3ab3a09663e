"""What is known at an instant: the one definition every time measure reads its end instants through.

The engine never reads the clock; the as-of time fixes what is known, and an event after it has not happened
yet. A ticket's resolution is the one in force at the instant: a ``reopened`` event undoes the resolution before
it until a later one ("Melding → oplossing"; a reopened ticket is open again, "open tickets" of the backlog).
"""
from __future__ import annotations

import numpy as np

from ..tables import Table
from ..timeparse import NAT

_RESOLUTION = "resolution_at"


def resolution_by(table: Table, at: int | np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Per row (of ``rows``, or all), the resolution in force at ``at`` (an instant, or one per row); NAT when
    the ticket was not resolved then. The final resolution (``resolution_at``) holds from its instant on; before
    it, only the first resolved stretch is known from the columns: from ``first_resolution_at`` up to the first
    reopen. A ticket reopened more than once is therefore open from its first reopen to its final resolution."""
    final, first, reopen = _cols(table, rows, _RESOLUTION, "first_resolution_at", "first_reopen_at")
    at = np.asarray(at, dtype=np.int64)
    in_first = (first != NAT) & (first <= at) & ((reopen == NAT) | (at < reopen))
    return np.where((final != NAT) & (final <= at), final, np.where(in_first, first, NAT))


def open_at(table: Table, at: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Per row, whether the ticket was reported by ``at`` and neither resolved nor closed then: a closing ends a
    ticket without a resolution in force too, unless a reopen after it undid it."""
    reported, closed, reopen = _cols(table, rows, "reported_at", "closed_at", "first_reopen_at")
    closed_then = (closed != NAT) & (closed <= at) & ((reopen == NAT) | (at < reopen) | (closed >= reopen))
    return (reported != NAT) & (reported <= at) & (resolution_by(table, at, rows) == NAT) & ~closed_then


#: a ticket's counts of events and the instant of the first event each counts (``kinds.tickets`` derives both)
COUNT_SINCE = {"reopens": "first_reopen_at", "handovers": "first_handover_at",
               "handovers_without_note": "first_unnoted_handover_at", "owner_changes": "first_owner_change_at",
               "owner_gaps": "first_owner_gap_at"}


def count_by(table: Table, column: str, at: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Per row (of ``rows``, or all), the count ``column`` (a key of ``COUNT_SINCE``) known at ``at``: none while
    its first event came after it (it has not happened yet); from that event on, the export's count. So whether
    there was any is exact at every instant (what a "none of them" test reads); how many, the export says."""
    count, first = _cols(table, rows, column, COUNT_SINCE[column])
    return np.where((first == NAT) | (first > at), 0, count)


def reopens_by(table: Table, at: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Per row, the reopen count known at ``at`` (``count_by``)."""
    return count_by(table, "reopens", at, rows)


def known_at(table: Table, column: str, as_of: int, rows: np.ndarray | None = None) -> np.ndarray:
    """The instant column as known at ``as_of``: an instant after it is NAT (not happened yet), and a ticket's
    resolution is the one in force at ``as_of`` (a copy: callers may change it)."""
    if column == _RESOLUTION and "first_reopen_at" in table.cols:
        return resolution_by(table, as_of, rows)
    return not_after(_cols(table, rows, column)[0], as_of)


def not_after(values: np.ndarray, as_of: int) -> np.ndarray:
    """A copy of the instants with those after ``as_of`` made NAT: not known yet."""
    values = values.copy()
    values[values > as_of] = NAT
    return values


def _cols(table: Table, rows: np.ndarray | None, *names: str) -> list[np.ndarray]:
    return [table.col(c) if rows is None else table.col(c)[rows] for c in names]
