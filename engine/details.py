"""Why a record breaches, worded in English and in Dutch from one table.

The measures write each breach's ``detail`` in English from the English templates below, in bulk (a year audit
of a million tickets lists hundreds of thousands): the JSON keeps that text, and the table is the one place its
format is written. The Dutch templates name the same placeholders, for the Dutch report.
"""
from __future__ import annotations

import string
from typing import Any

WORDING: dict[str, dict[str, str]] = {
    # durations and day terms (tickets, within_days, party coordination, containment, on-call)
    "late": {
        "en": "{label} after {elapsed} (limit {limit})",
        "nl": "{label} na {elapsed} (norm {limit})"},
    "open_late": {
        "en": "no {label} yet; at as-of {elapsed} (limit {limit})",
        "nl": "nog geen {label}; op de peildatum {elapsed} (norm {limit})"},
    "open_days_late": {
        "en": "no {label} yet; {elapsed} at as-of (limit {limit})",
        "nl": "nog geen {label}; op de peildatum {elapsed} (norm {limit})"},
    "no_joined_record": {
        "en": "no {document} record; {elapsed} at as-of (limit {limit})",
        "nl": "geen record in {document}; op de peildatum {elapsed} (norm {limit})"},
    "unknown_catalogue_item": {
        "en": "{key} {reference} is not in the {document} document",
        "nl": "{key} {reference} staat niet in het document {document}"},
    "backlog_age": {
        "en": "open {age} at {day}",
        "nl": "{age} open op {day}"},
    "contained_late": {
        "en": "{priority} contained after {elapsed} (limit {limit})",
        "nl": "{priority} ingeperkt na {elapsed} (norm {limit})"},
    "not_contained": {
        "en": "{priority} not contained; at as-of {elapsed} (limit {limit})",
        "nl": "{priority} niet ingeperkt; op de peildatum {elapsed} (norm {limit})"},
    "on_call_late": {
        "en": "reported {reported} outside the service window; first response after {elapsed} (limit {limit})",
        "nl": "gemeld {reported} buiten het servicevenster; eerste reactie na {elapsed} (norm {limit})"},
    "on_call_open": {
        "en": "reported {reported} outside the service window; no response yet; at as-of {elapsed} (limit {limit})",
        "nl": "gemeld {reported} buiten het servicevenster; nog geen reactie; op de peildatum {elapsed} "
              "(norm {limit})"},
    "issued_late": {
        "en": "{label} after {elapsed} ({at}); limit {limit}, term ended {deadline}",
        "nl": "{label} na {elapsed} ({at}); norm {limit}, termijn verstreken {deadline}"},
    "not_issued": {
        "en": "no {label} when the term ended; limit {limit}, term ended {deadline}",
        "nl": "geen {label} toen de termijn verstreek; norm {limit}, termijn verstreken {deadline}"},
    # major incidents: communication cadence
    "mi_ticket_unknown": {
        "en": "ticket {ticket} is not in the tickets export: its resolution is unknown",
        "nl": "ticket {ticket} staat niet in de ticketexport: de oplossing is onbekend"},
    "mi_no_log": {
        "en": "no communication log",
        "nl": "geen communicatielog"},
    "mi_first_update_late": {
        "en": "first update after {elapsed} (limit {limit})",
        "nl": "eerste update na {elapsed} (norm {limit})"},
    "mi_first_update_never": {
        "en": "first update never sent (limit {limit})",
        "nl": "eerste update nooit verstuurd (norm {limit})"},
    "mi_update_gap": {
        "en": "{elapsed} without an update after {time} on {day} (limit {limit})",
        "nl": "{elapsed} zonder update na {time} op {day} (norm {limit})"},
    # user support
    "no_proactive_update": {
        "en": "no proactive update by the expected resolution {expected}",
        "nl": "geen proactieve update vóór de verwachte oplostijd {expected}"},
    "proactive_update_late": {
        "en": "first proactive update {at} came after the expected resolution {expected}",
        "nl": "eerste proactieve update {at} kwam na de verwachte oplostijd {expected}"},
    "owner_changes": {
        "en": "{count} owner change(s)",
        "nl": "{count} keer van eigenaar gewisseld"},
    "owner_gaps": {
        "en": "{count} stretch(es) without an owner",
        "nl": "{count} keer zonder eigenaar"},
    "handovers": {
        "en": "{count} handover(s) to another line",
        "nl": "{count} keer overgedragen aan een andere lijn"},
    "reopens": {
        "en": "reopened {count}x",
        "nl": "{count} keer heropend"},
    "low_score": {
        "en": "score {score} on ticket {ticket}",
        "nl": "score {score} op ticket {ticket}"},
    "no_coordination": {
        "en": "no party_coordination recorded",
        "nl": "geen coördinatie tussen partijen vastgelegd"},
    "coordination_late": {
        "en": "coordination started after {elapsed} (limit {limit})",
        "nl": "coördinatie gestart na {elapsed} (norm {limit})"},
    "not_coordinated_by_as_of": {
        "en": "not coordinated with every party by the as-of time {as_of}",
        "nl": "niet met elke partij gecoördineerd op de peildatum {as_of}"},
    "not_coordinated_with": {
        "en": "not coordinated with {parties}",
        "nl": "niet gecoördineerd met {parties}"},
    "handovers_without_note": {
        "en": "{count} handover(s) without a note",
        "nl": "{count} overdracht(en) zonder notitie"},
    "ownership_lapsed": {
        "en": "ownership changed or lapsed",
        "nl": "eigenaarschap gewisseld of vervallen"},
    "user_not_updated": {
        "en": "user not updated while the parties worked on it",
        "nl": "gebruiker niet op de hoogte gehouden terwijl de partijen eraan werkten"},
    # changes
    "conditions": {
        "en": "{conditions}",
        "nl": "{conditions}"},
    "rolled_back": {
        "en": "rolled back",
        "nl": "teruggedraaid"},
    "linked_incident_unknown": {
        "en": "linked incident {incident} is not in the tickets export",
        "nl": "gekoppeld incident {incident} staat niet in de ticketexport"},
    "linked_incident": {
        "en": "linked incident {incident} reported {reported}",
        "nl": "gekoppeld incident {incident} gemeld {reported}"},
    # availability and the service window
    "outage": {
        "en": "{minutes} min inside the service window ({start} → {end}, clipped to the period)",
        "nl": "{minutes} min binnen het servicevenster ({start} → {end}, afgekapt op de periode)"},
    "location_below": {
        "en": "{figure} % available ({minutes} business min down; outages {outages})",
        "nl": "{figure} % beschikbaar ({minutes} werkminuten uitval; storingen {outages})"},
    "not_working_day": {
        "en": "not a working day in the contract calendar",
        "nl": "geen werkdag in de contractkalender"},
    "window_short": {
        "en": "the service window covers {covered} of the {needed} h between {open} and {close}",
        "nl": "het servicevenster beslaat {covered} van de {needed} uur tussen {open} en {close}"},
    "channel_unused": {
        "en": "no ticket reported via {channel} in {period}",
        "nl": "geen ticket gemeld via {channel} in {period}"},
    "holiday_worked": {
        "en": "{holiday} is a working day in the contract calendar (not excluded)",
        "nl": "{holiday} is een werkdag in de contractkalender (niet uitgesloten)"},
    # security
    "exception_unknown": {
        "en": "exception {exception} is not in the security exception register",
        "nl": "uitzondering {exception} staat niet in het register van security-uitzonderingen"},
    "exception_not_in_force": {
        "en": "exception {exception} was not in force at the end of the term",
        "nl": "uitzondering {exception} was aan het eind van de termijn niet van kracht"},
    "not_mitigated": {
        "en": "CVSS {cvss}; term {term} calendar days; mitigated: not mitigated at as-of",
        "nl": "CVSS {cvss}; termijn {term} kalenderdagen; gemitigeerd: niet gemitigeerd op de peildatum"},
    "mitigated_late": {
        "en": "CVSS {cvss}; term {term} calendar days; mitigated: {mitigated}",
        "nl": "CVSS {cvss}; termijn {term} kalenderdagen; gemitigeerd: {mitigated}"},
    "waived": {
        "en": "not mitigated within {term} days; formal exception in force",
        "nl": "niet gemitigeerd binnen {term} dagen; formele uitzondering van kracht"},
    "patch_not_installed": {
        "en": "{patch} due {due}, not installed",
        "nl": "{patch} uiterlijk {due}, niet geïnstalleerd"},
    "patch_late": {
        "en": "{patch} due {due}, installed {installed}",
        "nl": "{patch} uiterlijk {due}, geïnstalleerd {installed}"},
    "exception_incomplete": {
        "en": "incomplete: {missing}",
        "nl": "onvolledig: {missing}"},
    "not_reevaluated": {
        "en": "not re-evaluated; the re-evaluation was due by {due}",
        "nl": "niet herijkt; de herijking moest uiterlijk {due} plaatsvinden"},
    "reevaluated_late": {
        "en": "re-evaluated on {done}; the re-evaluation was due by {due}",
        "nl": "herijkt op {done}; de herijking moest uiterlijk {due} plaatsvinden"},
    "device_reason": {
        "en": "non-compliant on {day}: {reason}",
        "nl": "niet compliant op {day}: {reason}"},
    "device": {
        "en": "non-compliant on {day}",
        "nl": "niet compliant op {day}"},
    # lifecycle and backups
    "eos_not_signalled": {
        "en": "EoS {eos}: not signalled (needed ≥ {lead} days before)",
        "nl": "EoS {eos}: niet gesignaleerd (nodig: ≥ {lead} dagen vooraf)"},
    "eos_signalled_late": {
        "en": "EoS {eos}: signalled {signalled}, {days} days before (needed ≥ {lead} days before)",
        "nl": "EoS {eos}: gesignaleerd {signalled}, {days} dagen vooraf (nodig: ≥ {lead} dagen vooraf)"},
    "no_lifecycle_review": {
        "en": "no lifecycle review held in the quarter",
        "nl": "geen lifecyclereview gehouden in het kwartaal"},
    "review_horizon": {
        "en": "review {reviews} did not cover a 12-month horizon",
        "nl": "review {reviews} besloeg geen horizon van 12 maanden"},
    "no_restore_test": {
        "en": "no successful restore test in the window",
        "nl": "geen geslaagde restoretest in het venster"},
    # governance
    "no_tender_statement": {
        "en": "no statement marked as submitted with the tender",
        "nl": "geen verklaring gemarkeerd als ingediend bij de inschrijving"},
    "no_statement": {
        "en": "no statement on {day}",
        "nl": "geen verklaring op {day}"},
    "statement_stale": {
        "en": "latest version {version} last changed {changed}, more than 12 months before {day}",
        "nl": "laatste versie {version} laatst gewijzigd {changed}, meer dan 12 maanden vóór {day}"},
    "statement_no_actions": {
        "en": "latest version {version} lists no actions",
        "nl": "laatste versie {version} noemt geen acties"},
    "follow_up_missing": {
        "en": "follow-up needed but none recorded",
        "nl": "opvolging nodig maar niet vastgelegd"},
    "no_applied_action": {
        "en": "no concrete action reported as applied in the execution",
        "nl": "geen concrete actie gerapporteerd als toegepast in de uitvoering"},
    "no_owner": {
        "en": "no owner",
        "nl": "geen eigenaar"},
    "no_decision_moment": {
        "en": "no decision moment",
        "nl": "geen beslismoment"},
    "not_updated": {
        "en": "not updated in the last {days} days",
        "nl": "niet bijgewerkt in de laatste {days} dagen"},
    "decision_overdue": {
        "en": "decision moment passed without a decision",
        "nl": "beslismoment verstreken zonder besluit"},
    "too_few_items": {
        "en": "{count} active ranked item(s); at least {minimum} required",
        "nl": "{count} actieve gerangschikte verbeterpunt(en); ten minste {minimum} vereist"},
    # backup runs: the job and its status as the evidence writes them (last: any "x: y" would match it)
    "backup_run": {
        "en": "{job}: {status}",
        "nl": "{job}: {status}"},
}
LANGUAGES = ("en", "nl")
JOIN = "; "  # several findings on one record


def english(key: str) -> str:
    """The English template of a detail: what the measures fill."""
    return WORDING[key]["en"]


def detail(key: str, **values: Any) -> str:
    """One detail in English."""
    return WORDING[key]["en"].format(**values)


def frame(key: str, slot: str, **values: Any) -> tuple[str, str]:
    """The English text before and after ``slot``, every other placeholder filled: for bulk formatting,
    ``before + value + after`` per record, as fast as a hand-written concatenation."""
    before, sep, after = WORDING[key]["en"].format(**values, **{slot: "\0"}).partition("\0")
    if not sep or "\0" in after:
        raise KeyError(f"detail {key!r} names {slot!r} not exactly once")
    return before, after


def conditions_text(pairs: list[tuple[str, str]]) -> str:
    """``conditions`` placeholder: each unmet condition's field and value ("rework: yes, rolled_back: no")."""
    return ", ".join(f"{f}: {v}" for f, v in pairs)


def missing_text(names: list[str]) -> str:
    """``missing`` placeholder: what an exception lacks ("no reason, no herijkdatum")."""
    return ", ".join(f"no {n}" for n in names)


def placeholders(key: str) -> set[str]:
    """Every field any language's wording of ``key`` names."""
    return {f for lang in LANGUAGES for _, f, _, _ in string.Formatter().parse(WORDING[key][lang]) if f}
