"""Tickets: derived columns from the event history (first substantive response, stabilisation, ownership,
handovers, coordination of other parties, third-party pauses …), so measures work on plain columns."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ..tables import RowError
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
    changes and gaps, proactive updates, coordination with other resolving parties and third-party pauses."""
    first_response = first_ack = stabilised = resolved_event = last_resolved = NAT
    first_proactive = first_party_handover = first_coordination = NAT
    handovers = owner_changes = owner_gaps = proactive = reopened = handovers_no_note = 0
    coordinated: set[str] = set()
    coordinator = ""
    pauses: list[tuple[int, int]] = []
    open_wait = NAT
    events = _events(rec, tz)
    for at, _, ev in events:
        t = ev["type"]
        if t == "response":
            first_response = at if first_response == NAT else first_response
        elif t == "auto_ack":
            first_ack = at if first_ack == NAT else first_ack
        elif t == "stabilised":
            stabilised = at if stabilised == NAT else stabilised
        elif t == "resolved":
            resolved_event = at if resolved_event == NAT else resolved_event
            last_resolved = at
        elif t == "handover":
            handovers += 1
            handovers_no_note += not (ev.get("note") or "").strip()
            if ev.get("party") and first_party_handover == NAT:
                first_party_handover = at
        elif t == "owner_change":
            owner_changes += 1
            owner_gaps += ev.get("to") in (None, "")
        elif t == "proactive_update":
            proactive += 1
            first_proactive = at if first_proactive == NAT else first_proactive
        elif t == "reopened":
            reopened += 1
        elif t == "party_coordination":
            if first_coordination == NAT:
                first_coordination, coordinator = at, str(ev.get("by") or "")
            if ev.get("party"):
                coordinated.add(str(ev["party"]))
        elif t == "wait_third_party_start":
            if open_wait == NAT:
                open_wait = at
        elif t == "wait_third_party_end":
            if open_wait != NAT:
                pauses.append((open_wait, at))
                open_wait = NAT
    if open_wait != NAT:
        pauses.append((open_wait, NAT))  # still waiting: closed by the measure at its end instant
    resolution = _ts(rec, "resolved_at", tz)
    if resolution == NAT:
        resolution = last_resolved
    first_owner = rec.get("owner")
    for _, _, ev in events:
        if ev["type"] == "owner_change":
            first_owner = ev.get("from")
            break
    if first_owner in (None, "") or (rec.get("owner") in (None, "") and rec.get("status") != "cancelled"):
        owner_gaps += 1  # a stretch of the ticket's life without an owner
    since = first_party_handover if first_party_handover != NAT else _ts(rec, "reported_at", tz)
    user_updates = sum(1 for at, _, ev in events if ev["type"] in _USER_UPDATES and at >= since
                       and (resolution == NAT or at <= resolution))
    parties = {p for p in rec.get("resolving_parties") or ()}
    return {"first_response_at": first_response, "first_auto_ack_at": first_ack, "stabilised_at": stabilised,
            "resolved_event_at": resolved_event, "resolution_at": resolution,
            "stabilised_or_resolved_at": min((x for x in (stabilised, resolution) if x != NAT), default=NAT),
            "handovers": handovers, "handovers_without_note": handovers_no_note, "owner_changes": owner_changes,
            "owner_gaps": owner_gaps, "proactive_updates": proactive, "first_proactive_update_at": first_proactive,
            "reopens": reopened, "party_count": len(parties),
            "parties_not_coordinated": "|".join(sorted(parties - coordinated - {coordinator})),
            "first_party_handover_at": first_party_handover, "first_coordination_at": first_coordination,
            "user_updates_during_handling": user_updates, "_pauses": pauses}
