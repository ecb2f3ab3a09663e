"""Why a record breaches, worded in English and in Dutch from one table.

The measures write each breach's ``detail`` in English from the English templates below, in bulk (a year audit
of a million tickets lists hundreds of thousands): the JSON keeps that text. The Dutch report shows at most a
few per result and words them when it renders: the English text is matched against regexes made from the same
English templates, and the captured values fill the Dutch template, each re-worded by its placeholder's kind
(``KINDS``): a duration or limit in Dutch unit words with a decimal comma, a label from the annex's vocabulary,
and what comes from the evidence (ids, dates, statuses, evidence text) as it is. A text that matches no
template is shown as written.
"""
from __future__ import annotations

import functools
import re
import string
from typing import Any, Mapping

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
        "nl": "{count:overdracht|overdrachten} zonder notitie"},
    "ownership_lapsed": {
        "en": "ownership changed or lapsed",
        "nl": "eigenaarschap gewisseld of vervallen"},
    "user_not_updated": {
        "en": "user not updated while the parties worked on it",
        "nl": "gebruiker niet op de hoogte gehouden terwijl de partijen eraan werkten"},
    # changes
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
        "nl": "{figure} % beschikbaar ({minutes:werkminuut|werkminuten} uitval; storingen {outages})"},
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
        "nl": "CVSS {cvss}; termijn {term:kalenderdag|kalenderdagen}; gemitigeerd: niet gemitigeerd op de peildatum"},
    "mitigated_late": {
        "en": "CVSS {cvss}; term {term} calendar days; mitigated: {mitigated}",
        "nl": "CVSS {cvss}; termijn {term:kalenderdag|kalenderdagen}; gemitigeerd: {mitigated}"},
    "waived": {
        "en": "not mitigated within {term} days; formal exception in force",
        "nl": "niet gemitigeerd binnen {term:dag|dagen}; formele uitzondering van kracht"},
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
        "nl": "EoS {eos}: niet gesignaleerd (nodig: ≥ {lead:dag|dagen} vooraf)"},
    "eos_signalled_late": {
        "en": "EoS {eos}: signalled {signalled}, {days} days before (needed ≥ {lead} days before)",
        "nl": "EoS {eos}: gesignaleerd {signalled}, {days:dag|dagen} vooraf (nodig: ≥ {lead:dag|dagen} vooraf)"},
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
        "nl": "niet bijgewerkt in de laatste {days:dag|dagen}"},
    "decision_overdue": {
        "en": "decision moment passed without a decision",
        "nl": "beslismoment verstreken zonder besluit"},
    "too_few_items": {
        "en": "{count} active ranked item(s); at least {minimum} required",
        "nl": "{count:actief gerangschikt verbeterpunt|actieve gerangschikte verbeterpunten}; "
              "ten minste {minimum} vereist"},
    # a record's unmet conditions as "field: value" (late in the table: of two templates that explain a text
    # equally, "incomplete: no reason" is an exception's, not a field "incomplete")
    "conditions": {
        "en": "{conditions}",
        "nl": "{conditions}"},
    # backup runs: the job and its status as the evidence writes them (any "x: y" matches it, explaining least)
    "backup_run": {
        "en": "{job}: {status}",
        "nl": "{job}: {status}"},
}
# Details a measure only ever writes alone (a change's unmet fields, a backup run's status): a part of a
# "; "-joined text in this shape is evidence text that contains "; " (a device's "Defender: no; BitLocker: no"),
# not a finding of its own, and is not re-worded.
ALONE = frozenset({"conditions", "backup_run"})
LANGUAGES = ("en", "nl")
JOIN = "; "  # several findings on one record

# A label of the rule files (a duration's or a term's end), in the annex's words.
TERMS = {
    "resolution": "oplossing", "definitive resolution": "definitieve oplossing", "stabilisation": "stabilisatie",
    "first substantive response": "eerste inhoudelijke reactie", "response": "reactie",
    "RCA documented and shared": "RCA gedocumenteerd en gedeeld", "document update": "bijwerking van de documenten",
    "completion": "afronding", "execution": "uitvoering", "ready for use": "werkplek gereed voor gebruik",
    "containment": "inperking"}  # (the last: slacheck explain's heading of a security incident's measurement)
# The units a duration, a day count or a limit is written in (``common.fmt_duration``/``fmt_limit``/``fmt_days``),
# as identifiers of the labels' ``units``; longest first, so "h (business)" is not read as "h".
UNITS = {"h (business)": "business_h", "min (business)": "business_min", "working days": "working_days",
         "calendar days": "calendar_days", "h": "h", "min": "min"}
MISSING = {"reason": "reden", "compensating control": "compenserende maatregel", "herijkdatum": "herijkdatum"}
ANSWERS = {"yes": "ja", "no": "nee"}
SIGNS = ("≤", "≥", "<", ">", "=", "≠")

# How each placeholder's value is re-worded; a placeholder not named here is evidence text, shown as it is.
KINDS = {"label": "term", "elapsed": "quantity", "age": "quantity", "limit": "limit", "count": "number",
         "minimum": "number", "minutes": "number", "figure": "number", "covered": "number", "needed": "number",
         "cvss": "number", "term": "number", "score": "number", "days": "number", "lead": "number",
         "conditions": "conditions", "missing": "missing",
         # one word: an instant, a day, a time or a period as the engine writes it, a rule file's field or document
         # kind, a backup run's status (an enum); so a template's text placeholders cannot trade characters with
         # them, which made a failing match backtrack for seconds on a long evidence value
         **dict.fromkeys(("day", "due", "done", "eos", "signalled", "changed", "reported", "expected", "at",
                          "deadline", "installed", "start", "end", "as_of", "mitigated", "time", "period", "open",
                          "close", "key", "document", "status"), "word")}
_TEXT = r"(?:(?!; ).)*?."  # evidence text: never across the "; " that joins findings (a ";" may end it)
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_QUANTITY = _NUMBER + " (?:" + "|".join(map(re.escape, UNITS)) + ")"
# a field's value as ``changes._shown`` writes it: yes/no, or a repr (a comma only inside quotes)
_CONDITION = r"""[A-Za-z_][A-Za-z0-9_]*: (?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,;'"]+?)"""
_GAP = "no (?:" + "|".join(map(re.escape, MISSING)) + ")"
_ITEM = re.compile(f"(?:^|(?<=, )){_CONDITION}(?=, |$)")
PATTERNS = {"text": _TEXT, "term": _TEXT, "word": r"\S+", "number": _NUMBER, "quantity": _QUANTITY,
            "limit": "(?:" + "|".join(map(re.escape, SIGNS)) + ") " + _QUANTITY,
            "conditions": f"{_CONDITION}(?:, {_CONDITION})*", "missing": f"{_GAP}(?:, {_GAP})*"}


def detail(key: str, /, **values: Any) -> str:
    """One detail in English."""
    return WORDING[key]["en"].format(**values)


def frame(key: str, slot: str, /, **values: Any) -> tuple[str, str]:
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


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, str, re.Pattern[str], tuple[str, ...]], ...]:
    """Each template's longest literal piece (a text lacking it cannot match: a quick test before the regex), its
    regex, made from its English template (literal text as is, a placeholder as its kind's pattern; a repeated
    placeholder must repeat its value), and its placeholders that take any text (``_unexplained``)."""
    out = []
    for key, wording in WORDING.items():
        parts, seen, needles = [], set(), []
        for literal, name, _, _ in string.Formatter().parse(wording["en"]):
            parts.append(re.escape(literal))
            if literal:
                needles.append(literal)
            if name is None:
                continue
            if name in seen:
                parts.append(f"(?P={name})")
            else:
                seen.add(name)
                parts.append(f"(?P<{name}>{PATTERNS[KINDS.get(name, 'text')]})")
        free = tuple(n for n in seen if KINDS.get(n, "text") in ("text", "term", "word", "conditions"))
        out.append((key, max(needles, key=len, default=""), re.compile("".join(parts), re.DOTALL), free))
    return tuple(out)


_MOST_PARTS = max(w["en"].count(JOIN) for w in WORDING.values()) + 1


@functools.lru_cache(maxsize=8192)
def match(text: str, joined: bool = False) -> tuple[str, dict[str, str]] | None:
    """The template whose English form is the whole ``text``, and the values it captured. Of several, the one
    that leaves the least of the text to placeholders taking any text ("P1 contained after …" is
    ``contained_late``, not ``late`` with the label "P1 contained"); of those, the first in the table. With
    ``joined`` (``text`` is part of a "; "-joined detail) no template of ``ALONE``. (Cached: a record's detail
    recurs in its month, quarter and year; callers must not change the values.)"""
    best, most = None, -1
    for key, needle, pattern, free in _compiled():
        if needle not in text or (joined and key in ALONE):
            continue
        m = pattern.fullmatch(text)
        if m is not None:
            explained = len(text) - sum(_unexplained(KINDS.get(n, "text"), m.group(n)) for n in free)
            if explained > most:
                best, most = (key, m.groupdict()), explained
    return best


def _unexplained(kind: str, value: str) -> int:
    """How much of a placeholder's value is any text: all of an evidence text; of unmet conditions, the values
    other than yes/no (their field names and separators are structure: "rework: yes" is a condition, but
    "Koningsdag: is a working day …" is a holiday, not a field "Koningsdag" with a value)."""
    if kind != "conditions":
        return len(value)
    return sum(len(item.split(": ", 1)[1]) for item in _ITEM.findall(value) if item.split(": ", 1)[1] not in ANSWERS)


def parts(text: str) -> list[tuple[str, tuple[str, dict[str, str]] | None]]:
    """``text`` as its findings: the whole when a template matches it, else runs of its "; "-joined parts, each
    the longest run a template other than ``ALONE``'s matches (a part no template matches stands alone, with
    None)."""
    whole = match(text)
    if whole is not None:
        return [(text, whole)]
    pieces = text.split(JOIN)
    out: list[tuple[str, tuple[str, dict[str, str]] | None]] = []
    i = 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + _MOST_PARTS), i, -1):
            run = JOIN.join(pieces[i:j])
            found = match(run, joined=True)
            if found is not None:
                out.append((run, found))
                i = j
                break
        else:
            out.append((pieces[i], None))
            i += 1
    return out


def word(text: str, lang: str, units: Mapping[str, Mapping[str, str]]) -> str:
    """A detail as the measures wrote it (English), in ``lang``; ``units``: that language's unit words (the
    labels' ``units``: "one"/"other" per unit identifier). Parts no template matches are shown as written."""
    if lang == "en" or not text:
        return text
    return JOIN.join(part if found is None else _fill(found[0], found[1], lang, units)
                     for part, found in parts(text))


class _CountedFormatter(string.Formatter):
    """A template's ``{count:one|other}``: the figure and the word after it, singular after 1 ("1 dag", "14
    dagen"), as Dutch needs where English writes "day(s)" or a plural after any number."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        one, other = format_spec.split("|", 1)
        return f"{value} {one if _is_one(str(value)) else other}"


def _is_one(figure: str) -> bool:
    try:
        return float(figure.replace(",", ".")) == 1
    except ValueError:
        return False


_COUNTED = _CountedFormatter()


def _fill(key: str, values: dict[str, str], lang: str, units: Mapping[str, Mapping[str, str]]) -> str:
    return _COUNTED.format(WORDING[key][lang], **{name: _value(KINDS.get(name, "text"), value, lang, units)
                                                  for name, value in values.items()})


def _value(kind: str, value: str, lang: str, units: Mapping[str, Mapping[str, str]]) -> str:
    if kind in ("text", "word"):
        return value
    if kind == "term":
        return TERMS.get(value, value) if lang == "nl" else value
    if kind == "number":
        return _number(value, lang)
    if kind == "quantity":
        figure, _, unit = value.partition(" ")
        forms = units.get(UNITS[unit])
        if forms is None:
            return f"{_number(figure, lang)} {unit}"
        return f"{_number(figure, lang)} {forms['one'] if _is_one(figure) else forms['other']}"
    if kind == "limit":
        sign, _, quantity = value.partition(" ")
        return f"{sign} {_value('quantity', quantity, lang, units)}"
    if kind == "conditions":
        items = [item.split(": ", 1) for item in _ITEM.findall(value)]
        return ", ".join(f"{f}: {ANSWERS.get(v, v) if lang == 'nl' else v}" for f, v in items)
    if kind == "missing":
        names = [n[len("no "):] for n in value.split(", ")]
        return ", ".join(f"geen {MISSING[n]}" for n in names) if lang == "nl" else value
    raise ValueError(kind)


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def decimal_comma(text: str) -> str:
    """A figure or formula written in English with the Dutch decimal comma, as the annex writes "99,5%": only a point
    between digits changes ("90 − (100 − 90) × 0.05" → "… × 0,05"). The one place every Dutch output does this."""
    return _DECIMAL_POINT.sub(",", text)


def _number(text: str, lang: str) -> str:
    return decimal_comma(text) if lang == "nl" else text
