"""Tickets: derived columns from the event history (first substantive response, stabilisation, ownership,
handovers, coordination of other parties, third-party pauses …), so measures work on plain columns."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from ..tables import RowError, Texts
from ..timeparse import NAT, TimeParseError, parse_ts

_USER_UPDATES = ("update", "proactive_update")


def _events(rec: dict, tz: ZoneInfo | None) -> list[tuple[int, int, dict]]:
    """The events in time order (by instant, not by text: offsets may differ), with their export position."""
    out = []
    for i, ev in enumerate(rec.get("events") or ()):
        try:
            out.append((parse_ts(ev["at"], tz), i, ev))
        except TimeParseError as exc:
            raise RowError(f"events[{i}].at", str(exc)) from None
    return sorted(out, key=lambda x: (x[0], x[1]))


def _ts(rec: dict, name: str, tz: ZoneInfo | None) -> int:
    v = rec.get(name)
    if v is None:
        return NAT
    try:
        return parse_ts(v, tz)
    except TimeParseError as exc:
        raise RowError(name, str(exc)) from None


def derive(rec: dict, tz: ZoneInfo | None) -> dict[str, Any]:
    """First substantive response (an ``auto_ack`` never counts), stabilisation, resolution, handovers, owner
    changes and gaps, proactive updates, coordination with other resolving parties and third-party pauses.

    ``resolution_at`` is the resolution in force at the end of the history: ``resolved_at`` (else the last
    ``resolved`` event), undone when a ``reopened`` event follows it without a ``resolved`` event after that reopen
    (then NAT: unresolved, unless the ticket was closed after that reopen: its closing ended it, as for the
    backlog). ``first_resolution_at`` (the earliest of the first ``resolved`` event and
    ``resolved_at``) and ``first_reopen_at`` bound the first resolved stretch, so that the state at any earlier
    instant is known too (``measures.known``). Stabilisation is the first of ``stabilised`` and the first
    resolution: a resolution removed the acute impact when it was made, even if a reopen followed. Each count a
    measure tests for "none" has the instant of its first event beside it (``known.COUNT_SINCE``: the first
    handover, owner change, stretch without an owner …), and the coordination columns the instant every party was
    coordinated with and the first update to the user, so that what had happened by the as-of time is known."""
    first_response = first_ack = stabilised = resolved_event = last_resolved = NAT
    first_proactive = first_party_handover = first_coordination = first_reopen = last_reopen = NAT
    first_handover = first_unnoted = first_owner_change = last_owner_change = first_gap_change = NAT
    resolved_pos = reopen_pos = -1  # places in time order of the last resolved and the last reopened event
    handovers = owner_changes = owner_gaps = proactive = reopened = handovers_no_note = 0
    coordinated: dict[str, int] = {}  # party -> its first coordination
    coordinator = ""
    pauses: list[tuple[int, int]] = []
    open_wait = NAT
    events = _events(rec, tz)
    for pos, (at, _, ev) in enumerate(events):
        t = ev["type"]
        if t == "response":
            first_response = at if first_response == NAT else first_response
        elif t == "auto_ack":
            first_ack = at if first_ack == NAT else first_ack
        elif t == "stabilised":
            stabilised = at if stabilised == NAT else stabilised
        elif t == "resolved":
            resolved_event = at if resolved_event == NAT else resolved_event
            last_resolved, resolved_pos = at, pos
        elif t == "handover":
            handovers += 1
            first_handover = at if first_handover == NAT else first_handover
            if not (ev.get("note") or "").strip():
                handovers_no_note += 1
                first_unnoted = at if first_unnoted == NAT else first_unnoted
            if ev.get("party") and first_party_handover == NAT:
                first_party_handover = at
        elif t == "owner_change":
            owner_changes += 1
            first_owner_change = at if first_owner_change == NAT else first_owner_change
            last_owner_change = at
            if ev.get("to") in (None, ""):
                owner_gaps += 1
                first_gap_change = at if first_gap_change == NAT else first_gap_change
        elif t == "proactive_update":
            proactive += 1
            first_proactive = at if first_proactive == NAT else first_proactive
        elif t == "reopened":
            reopened += 1
            first_reopen = at if first_reopen == NAT else first_reopen
            last_reopen, reopen_pos = at, pos
        elif t == "party_coordination":
            if first_coordination == NAT:
                first_coordination, coordinator = at, str(ev.get("by") or "")
            if ev.get("party"):
                coordinated.setdefault(str(ev["party"]), at)
        elif t == "wait_third_party_start":
            if open_wait == NAT:
                open_wait = at
        elif t == "wait_third_party_end":
            if open_wait != NAT:
                pauses.append((open_wait, at))
                open_wait = NAT
    if open_wait != NAT:
        pauses.append((open_wait, NAT))  # still waiting: closed by the measure at its end instant
    field = _ts(rec, "resolved_at", tz)
    resolution = field if field != NAT else last_resolved
    if reopen_pos >= 0 and (last_reopen > field if field != NAT else reopen_pos > resolved_pos):
        resolution = last_resolved if resolved_pos > reopen_pos else NAT  # a reopen undid the resolution
        closed = _ts(rec, "closed_at", tz)
        if resolution == NAT and closed != NAT and closed > last_reopen:
            resolution = closed  # closed after the reopen without a resolved event: ended by its closing
    first_resolution = min((x for x in (resolved_event, field) if x != NAT), default=NAT)
    first_owner = rec.get("owner")
    for _, _, ev in events:
        if ev["type"] == "owner_change":
            first_owner = ev.get("from")
            break
    reported = _ts(rec, "reported_at", tz)
    gaps_from = [first_gap_change]
    if first_owner in (None, ""):
        gaps_from.append(reported)  # without an owner from registration on
    if rec.get("owner") in (None, "") and rec.get("status") != "cancelled":
        gaps_from.append(last_owner_change if last_owner_change != NAT else reported)  # lapsed after the last change
    if first_owner in (None, "") or (rec.get("owner") in (None, "") and rec.get("status") != "cancelled"):
        owner_gaps += 1  # a stretch of the ticket's life without an owner
    since = first_party_handover if first_party_handover != NAT else reported
    first_user_update = min((at for at, _, ev in events if ev["type"] in _USER_UPDATES and at >= since), default=NAT)
    parties = {p for p in rec.get("resolving_parties") or ()}
    others = parties - {coordinator}
    complete = (NAT if first_coordination == NAT or not others <= coordinated.keys()
                else max([first_coordination] + [coordinated[p] for p in others]))
    return {"first_response_at": first_response, "first_auto_ack_at": first_ack, "stabilised_at": stabilised,
            "first_resolution_at": first_resolution, "resolution_at": resolution, "first_reopen_at": first_reopen,
            "stabilised_or_resolved_at": min((x for x in (stabilised, first_resolution) if x != NAT), default=NAT),
            "handovers": handovers, "handovers_without_note": handovers_no_note, "owner_changes": owner_changes,
            "owner_gaps": owner_gaps, "proactive_updates": proactive, "first_proactive_update_at": first_proactive,
            "reopens": reopened, "party_count": len(parties),
            "parties_not_coordinated": "|".join(sorted(others - coordinated.keys())),
            "first_party_handover_at": first_party_handover, "first_coordination_at": first_coordination,
            "parties_coordinated_at": complete if parties else NAT, "first_user_update_at": first_user_update,
            "first_handover_at": first_handover, "first_unnoted_handover_at": first_unnoted,
            "first_owner_change_at": first_owner_change,
            "first_owner_gap_at": min((x for x in gaps_from if x != NAT), default=NAT), "_pauses": pauses}


def _first(owner: np.ndarray, values: np.ndarray, mask: np.ndarray, n: int, fill=NAT) -> np.ndarray:
    """Per ticket, the value of its first event (in time order) that satisfies ``mask``; ``owner`` is sorted."""
    out = np.full(n, fill, dtype=values.dtype if values.dtype != object else object)
    idx = np.flatnonzero(mask)
    if len(idx):
        o = owner[idx]
        first = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])  # where a ticket's run of events starts
        out[o[first]] = values[idx[first]]
    return out


def _at(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``values`` at each position (an event's place), NAT where there is none."""
    out = np.full(len(positions), NAT, dtype=np.int64)
    some = positions != NAT
    out[some] = values[positions[some]]
    return out


def _last(owner: np.ndarray, values: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Per ticket, the value of its last event that satisfies ``mask``; ``owner`` is sorted."""
    out = np.full(n, NAT, dtype=np.int64)
    idx = np.flatnonzero(mask)
    if len(idx):
        o = owner[idx]
        last = np.flatnonzero(np.r_[o[1:] != o[:-1], True])
        out[o[last]] = values[idx[last]]
    return out


def _earliest(*instants: np.ndarray) -> np.ndarray:
    """Per row, the earliest of the instants that are known (NAT where none is)."""
    stacked = np.stack(instants)
    low = np.where(stacked == NAT, np.iinfo(np.int64).max, stacked).min(axis=0)
    return np.where(low == np.iinfo(np.int64).max, NAT, low)


def _time_order(owner: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Events by ticket, then instant, then export position. An export lists a ticket's events together and mostly
    in time order, so one stable sort of a combined key finds long runs (~20x faster than a three-key lexsort)."""
    if len(at) and int(at.max()) - int(at.min()) < 1 << 31 and int(owner.max()) < 1 << 31:
        return np.argsort((owner.astype(np.int64) << 32) | (at - at.min()), kind="stable")
    return np.lexsort((np.arange(len(owner)), at, owner))


def _pick(values: Texts, at: np.ndarray) -> np.ndarray:
    """The texts at rows ``at`` as an object array, None where ``at`` is -1 (no such event)."""
    out = np.full(len(at), None, dtype=object)
    found = at >= 0
    out[found] = values.take(at[found])
    return out


def _is_blank(text: Any) -> bool:
    return text is None or text == ""


def _blank(values: np.ndarray) -> np.ndarray:
    """``x in (None, "")`` for every item of an object array, compared in C rather than one by one."""
    return np.equal(values, None) | np.equal(values, "")


def derive_bulk(cols: dict[str, np.ndarray], lists: dict[str, list], events: tuple[np.ndarray, dict[str, np.ndarray]],
                n: int) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The same columns as ``derive``, for all tickets at once from the flattened event history.

    ``events`` is (owner row per event, event columns in export order, ``at`` already epoch seconds). Events are
    put in time order per ticket (by instant, then export position), as ``derive`` does.
    """
    owner, ev = events
    order = _time_order(owner, ev["at"])
    owner = owner[order]
    at = ev["at"][order]
    # the texts are tested once per distinct value where they lie (as codes); only the answers are put in order
    absent = Texts(np.full(len(owner), -1, dtype=np.int32), np.empty(0, dtype=object))
    etype, note, party, to, frm, by = (Texts.of(ev[k]) if k in ev else absent
                                       for k in ("type", "note", "party", "to", "from", "by"))
    types = etype.codes[order]  # one gather; then a comparison per event type (the dictionary's texts are distinct)
    code = {word: i for i, word in enumerate(etype.words.tolist()) if isinstance(word, str)}
    is_ = {t: types == code.get(t, -2) for t in (
        "response", "auto_ack", "stabilised", "resolved", "handover", "owner_change", "proactive_update", "reopened",
        "party_coordination", "wait_third_party_start", "wait_third_party_end", "update")}
    count = lambda mask: np.bincount(owner[mask], minlength=n).astype(np.int64)  # noqa: E731
    blank_note = note.where(lambda x: x is None or (isinstance(x, str) and not x.strip()))[order]
    has_party = ~party.where(_is_blank)[order]  # a party is a text (the schema): present and non-empty is truthy
    at_first = lambda values, mask: _pick(values, _first(owner, order, mask, n, fill=-1))  # noqa: E731
    out: dict[str, np.ndarray] = {
        "first_response_at": _first(owner, at, is_["response"], n),
        "first_auto_ack_at": _first(owner, at, is_["auto_ack"], n),
        "stabilised_at": _first(owner, at, is_["stabilised"], n),
        "handovers": count(is_["handover"]),
        "handovers_without_note": count(is_["handover"] & blank_note),
        "owner_changes": count(is_["owner_change"]),
        "proactive_updates": count(is_["proactive_update"]),
        "first_proactive_update_at": _first(owner, at, is_["proactive_update"], n),
        "reopens": count(is_["reopened"]),
        "first_reopen_at": _first(owner, at, is_["reopened"], n),
        "first_party_handover_at": _first(owner, at, is_["handover"] & has_party, n),
        "first_coordination_at": _first(owner, at, is_["party_coordination"], n),
        "first_handover_at": _first(owner, at, is_["handover"], n),
        "first_unnoted_handover_at": _first(owner, at, is_["handover"] & blank_note, n),
        "first_owner_change_at": _first(owner, at, is_["owner_change"], n),
    }
    pos = np.arange(len(owner), dtype=np.int64)  # places in time order: which of two events on one instant came last
    resolved_pos, reopen_pos = _last(owner, pos, is_["resolved"], n), _last(owner, pos, is_["reopened"], n)
    last_resolved, last_reopen = _at(at, resolved_pos), _at(at, reopen_pos)
    field = cols["resolved_at"]
    has_field = field != NAT
    undone = (reopen_pos != NAT) & np.where(has_field, last_reopen > field, reopen_pos > resolved_pos)
    resolution = np.where(has_field, field, last_resolved)
    resolution[undone] = np.where(resolved_pos > reopen_pos, last_resolved, NAT)[undone]  # a reopen undid it
    closed = cols["closed_at"]
    reclosed = undone & (resolution == NAT) & (closed != NAT) & (closed > last_reopen)
    resolution[reclosed] = closed[reclosed]  # closed after the reopen without a resolved event: ended by its closing
    out["resolution_at"] = resolution
    first_event = _first(owner, at, is_["resolved"], n)
    first_resolution = np.where(first_event == NAT, field, np.where(has_field, np.minimum(first_event, field),
                                                                    first_event))
    out["first_resolution_at"] = first_resolution
    stab = out["stabilised_at"]
    out["stabilised_or_resolved_at"] = np.where(stab == NAT, first_resolution, np.where(
        first_resolution == NAT, stab, np.minimum(stab, first_resolution)))
    empty_to = to.where(_is_blank)[order]
    gaps = count(is_["owner_change"] & empty_to)
    first_owner = cols["owner"].copy()
    first_change_from = at_first(frm, is_["owner_change"])
    has_change = _first(owner, np.ones(len(owner), bool), is_["owner_change"], n, fill=False).astype(bool)
    first_owner[has_change] = first_change_from[has_change]
    initial_blank = _blank(first_owner)
    current_blank = _blank(cols["owner"]) & (cols["status"] != "cancelled")
    gaps += (initial_blank | current_blank).astype(np.int64)
    out["owner_gaps"] = gaps
    reported = cols["reported_at"]
    last_change = _last(owner, at, is_["owner_change"], n)
    lapsed = np.where(last_change != NAT, last_change, reported)  # a blank owner now lapsed after the last change
    out["first_owner_gap_at"] = _earliest(_first(owner, at, is_["owner_change"] & empty_to, n),
                                          np.where(initial_blank, reported, NAT), np.where(current_blank, lapsed, NAT))
    since = np.where(out["first_party_handover_at"] != NAT, out["first_party_handover_at"], reported)
    out["first_user_update_at"] = _first(owner, at, (is_["update"] | is_["proactive_update"]) & (at >= since[owner]), n)
    coordinator = at_first(by, is_["party_coordination"])
    parties_col = lists.get("resolving_parties") or [None] * n
    party_count = np.zeros(n, dtype=np.int64)
    not_coordinated = np.full(n, "", dtype=object)
    complete = np.full(n, NAT, dtype=np.int64)
    coord_rows: dict[int, dict[str, int]] = {}  # row -> party -> its first coordination (events in time order)
    coordinated = np.flatnonzero(is_["party_coordination"] & has_party)
    for row, who, when in zip(owner[coordinated].tolist(), party.take(order[coordinated]).tolist(),
                              at[coordinated].tolist()):
        coord_rows.setdefault(int(row), {}).setdefault(str(who), when)
    first_coordination = out["first_coordination_at"]
    for row in np.flatnonzero(np.fromiter(map(bool, parties_col), bool, n)).tolist():  # the few with parties
        plist = parties_col[row]
        if plist:
            parties = set(plist)
            party_count[row] = len(parties)
            others = parties - {str(coordinator[row] or "")}
            done = coord_rows.get(row, {})
            not_coordinated[row] = "|".join(sorted(others - done.keys()))
            if first_coordination[row] != NAT and others <= done.keys():
                complete[row] = max([int(first_coordination[row])] + [done[p] for p in others])
    out["party_count"] = party_count
    out["parties_not_coordinated"] = not_coordinated
    out["parties_coordinated_at"] = complete
    return out, _waits(owner, at, is_["wait_third_party_start"], is_["wait_third_party_end"])


def _waits(owner: np.ndarray, at: np.ndarray, start: np.ndarray, end: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``derive``'s state machine for third-party waits, in bulk (events in time order per ticket): a start opens a
    wait unless one is open, an end closes the open one, a wait still open at the ticket's last event runs on (end
    NAT). Within a ticket, a start that follows a start and an end that follows an end (or comes first) change
    nothing; without them starts and ends alternate, and each start pairs with the end after it, if any."""
    idx = np.flatnonzero(start | end)
    if not len(idx):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    o, s, t = owner[idx], start[idx], at[idx]
    first = np.r_[True, o[1:] != o[:-1]]
    after_start = np.r_[False, s[:-1]]
    keep = np.where(s, first | ~after_start, ~first & after_start)
    o, s, t = o[keep], s[keep], t[keep]
    opens = np.flatnonzero(s)
    nxt = opens + 1
    closed = nxt < len(s)
    closed[closed] = o[nxt[closed]] == o[opens[closed]]  # the next kept event is then this ticket's end
    ends = np.full(len(opens), NAT, dtype=np.int64)
    ends[closed] = t[nxt[closed]]
    return o[opens].astype(np.int64), t[opens].astype(np.int64), ends
