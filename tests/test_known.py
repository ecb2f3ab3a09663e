"""A ticket's resolution in force (a reopen undoes the resolution before it) and what is known at an instant:
the bulk deriver gives ``derive``'s columns, and ``known`` reads the state at any instant from them."""
from __future__ import annotations

import numpy as np

from engine.kinds.tickets import derive, derive_bulk
from engine.measures.known import known_at, open_at, reopens_by, resolution_by
from engine.tables import Table
from engine.timeparse import NAT

H = 3600
T0 = 1_772_438_400  # 2026-03-02T09:00:00+01:00
HISTORIES = {  # id: (resolved_at, closed_at, [(hours after T0, type)])
    "PLAIN": (T0 + 3 * H, None, [(3, "resolved")]),
    "REOPENED": (None, None, [(3, "resolved"), (24, "reopened")]),
    "AGAIN": (None, None, [(3, "resolved"), (24, "reopened"), (30, "resolved")]),
    "FIELD-STALE": (T0 + 3 * H, None, [(24, "reopened")]),
    "FIELD-AFTER": (T0 + 30 * H, None, [(3, "resolved"), (24, "reopened")]),
    "TIE": (None, None, [(3, "resolved"), (3, "reopened")]),
    "CLOSED": (None, T0 + 5 * H, [(48, "reopened")]),
    "OPEN": (None, None, []),
}


def _iso(t: int) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(t, tz=timezone.utc).isoformat()


def _table() -> tuple[Table, list[dict]]:
    recs, owners, ats, types = [], [], [], []
    for row, (rid, (res, closed, events)) in enumerate(HISTORIES.items()):
        recs.append({"id": rid, "reported_at": _iso(T0), "resolved_at": None if res is None else _iso(res),
                     "status": "open", "owner": "a",
                     "events": [{"at": _iso(T0 + h * H), "type": t} for h, t in events]})
        for h, t in events:
            owners.append(row), ats.append(T0 + h * H), types.append(t)
        recs[-1]["closed_at"] = None if closed is None else _iso(closed)
    n = len(recs)
    cols = {"resolved_at": np.asarray([NAT if r is None else r for r, _, _ in HISTORIES.values()], dtype=np.int64),
            "closed_at": np.asarray([NAT if c is None else c for _, c, _ in HISTORIES.values()], dtype=np.int64),
            "reported_at": np.full(n, T0, dtype=np.int64), "owner": np.asarray(["a"] * n, dtype=object),
            "status": np.asarray(["open"] * n, dtype=object)}
    events = {"at": np.asarray(ats, dtype=np.int64), "type": np.asarray(types, dtype=object)}
    bulk, _ = derive_bulk(cols, {}, (np.asarray(owners, dtype=np.int64), events), n)
    return Table(kind="tickets", ids=np.asarray(list(HISTORIES), dtype=object), cols={**cols, **bulk}), recs


def test_bulk_and_one_by_one_give_the_same_resolution_columns():
    table, recs = _table()
    names = ("resolution_at", "first_resolution_at", "first_reopen_at", "stabilised_or_resolved_at")
    for row, rec in enumerate(recs):
        one = derive(rec, None)
        assert {k: one[k] for k in names} == {k: int(table.col(k)[row]) for k in names}, rec["id"]
    final = dict(zip(HISTORIES, table.col("resolution_at").tolist()))
    assert final == {"PLAIN": T0 + 3 * H, "REOPENED": NAT, "AGAIN": T0 + 30 * H, "FIELD-STALE": NAT,
                     "FIELD-AFTER": T0 + 30 * H, "TIE": NAT, "CLOSED": NAT, "OPEN": NAT}


def test_the_state_at_an_instant_follows_resolutions_and_reopens():
    table, _ = _table()
    at = lambda h: dict(zip(HISTORIES, resolution_by(table, T0 + h * H).tolist()))  # noqa: E731
    assert at(10) == {"PLAIN": T0 + 3 * H, "REOPENED": T0 + 3 * H, "AGAIN": T0 + 3 * H, "FIELD-STALE": T0 + 3 * H,
                      "FIELD-AFTER": T0 + 3 * H, "TIE": NAT, "CLOSED": NAT, "OPEN": NAT}
    assert at(26) == {"PLAIN": T0 + 3 * H, "REOPENED": NAT, "AGAIN": NAT, "FIELD-STALE": NAT, "FIELD-AFTER": NAT,
                      "TIE": NAT, "CLOSED": NAT, "OPEN": NAT}
    assert at(31)["AGAIN"] == at(31)["FIELD-AFTER"] == T0 + 30 * H
    opened = lambda h: [rid for rid, o in zip(HISTORIES, open_at(table, T0 + h * H).tolist()) if o]  # noqa: E731
    assert opened(10) == ["TIE", "OPEN"]  # the closed one is closed, until its reopen
    assert opened(50) == ["REOPENED", "FIELD-STALE", "TIE", "CLOSED", "OPEN"]
    response = {"first_response_at": np.asarray([T0 + H, T0 + 5 * H], dtype=np.int64)}
    small = Table(kind="tickets", ids=np.asarray(["A", "B"], dtype=object), cols=response)
    assert known_at(small, "first_response_at", T0 + 2 * H).tolist() == [T0 + H, NAT]  # not happened yet


def test_the_reopens_known_at_an_instant_start_at_the_first_reopen():
    table, _ = _table()
    at = lambda h: dict(zip(HISTORIES, reopens_by(table, T0 + h * H).tolist()))  # noqa: E731
    assert at(10) == dict.fromkeys(HISTORIES, 0) | {"TIE": 1}  # reopened at hour 3: known from then on
    assert at(24) == {"PLAIN": 0, "REOPENED": 1, "AGAIN": 1, "FIELD-STALE": 1, "FIELD-AFTER": 1, "TIE": 1,
                      "CLOSED": 0, "OPEN": 0}
    assert reopens_by(table, T0 + 60 * H, np.asarray([6, 0])).tolist() == [1, 0]  # of the given rows


def test_event_counts_are_known_from_their_first_event_in_both_derivers():
    """The counts a "none of them" test reads (handovers, owner changes and gaps, reopens, unnoted handovers) are
    zero until their first event: a ticket judged at an earlier as-of is judged on what had happened by then."""
    from engine.measures.known import COUNT_SINCE, count_by

    stories = {  # id: (owner, status, resolving parties, [(hours after T0, event)])
        "CLEAN": ("a", "closed", [], [(1, {"type": "response"})]),
        "HANDED": ("a", "closed", [], [(2, {"type": "handover", "party": "KPN"}),
                                       (5, {"type": "handover", "note": "terug"})]),
        "OWNERS": ("b", "closed", [], [(3, {"type": "owner_change", "from": "a", "to": None}),
                                       (4, {"type": "owner_change", "from": None, "to": "b"})]),
        "LAPSED": (None, "closed", [], [(6, {"type": "owner_change", "from": "a", "to": "c"})]),
        "UNOWNED": (None, "closed", [], []),
        "PARTIES": ("a", "closed", ["L", "K", "M"], [(1, {"type": "party_coordination", "by": "L", "party": "K"}),
                                                     (2, {"type": "update"}),
                                                     (7, {"type": "party_coordination", "by": "L", "party": "M"})]),
    }
    recs, owners, events = [], [], {k: [] for k in ("at", "type", "note", "party", "to", "from", "by")}
    for row, (rid, (owner, status, parties, story)) in enumerate(stories.items()):
        recs.append({"id": rid, "reported_at": _iso(T0), "resolved_at": None, "closed_at": None, "status": status,
                     "owner": owner, "resolving_parties": parties,
                     "events": [{"at": _iso(T0 + h * H), **ev} for h, ev in story]})
        for h, ev in story:
            owners.append(row)
            events["at"].append(T0 + h * H)
            for k in ("type", "note", "party", "to", "from", "by"):
                events[k].append(ev.get(k))
    n = len(recs)
    cols = {"resolved_at": np.full(n, NAT, dtype=np.int64), "closed_at": np.full(n, NAT, dtype=np.int64),
            "reported_at": np.full(n, T0, dtype=np.int64),
            "owner": np.asarray([r["owner"] for r in recs], dtype=object),
            "status": np.asarray([r["status"] for r in recs], dtype=object)}
    ev = {k: np.asarray(v, dtype=np.int64 if k == "at" else object) for k, v in events.items()}
    bulk, _ = derive_bulk(cols, {"resolving_parties": [r["resolving_parties"] for r in recs]},
                          (np.asarray(owners, dtype=np.int64), ev), n)
    names = sorted(set(COUNT_SINCE) | set(COUNT_SINCE.values())
                   | {"first_user_update_at", "parties_coordinated_at", "parties_not_coordinated"})
    for row, rec in enumerate(recs):
        one = derive(rec, None)
        assert {k: one[k] for k in names} == {k: bulk[k][row] for k in names}, rec["id"]
    table = Table(kind="tickets", ids=np.asarray(list(stories), dtype=object), cols={**cols, **bulk})
    at = lambda column, h: dict(zip(stories, count_by(table, column, T0 + h * H).tolist()))  # noqa: E731
    assert at("handovers", 1)["HANDED"] == 0 and at("handovers", 2)["HANDED"] == 2  # from the first on: the export's
    assert at("handovers_without_note", 2)["HANDED"] == 1
    assert at("owner_changes", 2) == dict.fromkeys(stories, 0)
    assert at("owner_gaps", 2) == {"CLEAN": 0, "HANDED": 0, "OWNERS": 0, "LAPSED": 0, "UNOWNED": 1, "PARTIES": 0}
    assert at("owner_gaps", 6) == {"CLEAN": 0, "HANDED": 0, "OWNERS": 1, "LAPSED": 1, "UNOWNED": 1, "PARTIES": 0}
    assert table.col("parties_coordinated_at").tolist()[-1] == T0 + 7 * H  # M was coordinated with at hour 7
    assert table.col("first_user_update_at").tolist()[-1] == T0 + 2 * H
