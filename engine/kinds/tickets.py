"""Tickets: derived columns from the event history (first substantive response, stabilisation, pauses …)."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ..tables import RowError
from ..timeparse import NAT, TimeParseError, parse_ts


def derive(rec: dict, tz: ZoneInfo | None) -> dict[str, Any]:
    """First substantive response (an ``auto_ack`` never counts), stabilisation, handovers, owner changes,
    proactive updates and third-party pauses, from the ticket's event history."""
    first_response = first_ack = stabilised = resolved_event = NAT
    handovers = owner_changes = proactive = reopened = 0
    pauses: list[tuple[int, int]] = []
    open_wait = NAT
    for i, ev in enumerate(sorted(rec.get("events") or (), key=lambda e: e["at"])):
        try:
            at = parse_ts(ev["at"], tz)
        except TimeParseError as exc:
            raise RowError(f"events[{i}].at", str(exc)) from None
        t = ev["type"]
        if t == "response":
            first_response = at if first_response == NAT else min(first_response, at)
        elif t == "auto_ack":
            first_ack = at if first_ack == NAT else min(first_ack, at)
        elif t == "stabilised":
            stabilised = at if stabilised == NAT else min(stabilised, at)
        elif t == "resolved":
            resolved_event = at if resolved_event == NAT else resolved_event
        elif t == "handover":
            handovers += 1
        elif t == "owner_change":
            owner_changes += 1
        elif t == "proactive_update":
            proactive += 1
        elif t == "reopened":
            reopened += 1
        elif t == "wait_third_party_start":
            if open_wait == NAT:
                open_wait = at
        elif t == "wait_third_party_end":
            if open_wait != NAT:
                pauses.append((open_wait, at))
                open_wait = NAT
    if open_wait != NAT:
        pauses.append((open_wait, NAT))  # still waiting: closed by the measure at its end instant
    return {"first_response_at": first_response, "first_auto_ack_at": first_ack, "stabilised_at": stabilised,
            "resolved_event_at": resolved_event, "handovers": handovers, "owner_changes": owner_changes,
            "proactive_updates": proactive, "reopens": reopened, "_pauses": pauses}
