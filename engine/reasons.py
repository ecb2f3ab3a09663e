"""Why a KPI result has no verdict on its evidence (NO-DATA, an ERROR of the norms, no cases): a code with its
figures, worded in English and in Dutch from one table.

A result keeps both: its ``message`` (the English text, as scripts and the CLI have always read it) and its
``reasons`` (code and arguments), so the JSON tells reasons apart without parsing text and the Dutch report
words them in Dutch. An argument that quotes the evidence or a rule file (a document kind, a rule file's own
``needs_cases`` text) is shown as it is in both languages.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

WORDING: dict[str, dict[str, str]] = {
    "no_document": {
        "en": "the bundle has no '{kind}' document",
        "nl": "de bundel bevat geen document '{kind}'"},
    "coverage": {
        "en": "the '{kind}' export covers {spans}, not all of {period} ({first}..{last})",
        "nl": "de export '{kind}' beslaat {spans}, niet de hele periode {period} ({first}..{last})"},
    "restore_window_coverage": {
        "en": "the 'restore_tests' export covers {spans}, not the restore-test window {first}..{last}",
        "nl": "de export 'restore_tests' beslaat {spans}, niet het venster van de restoretests {first}..{last}"},
    "not_ended": {
        "en": "{period} has not ended at the as-of time {as_of}",
        "nl": "{period} is op de peildatum {as_of} nog niet voorbij"},
    "no_improvement_snapshot": {
        "en": "no improvement-register snapshot dated in {period}",
        "nl": "geen momentopname van het verbeterregister gedateerd in {period}"},
    "no_device_snapshot": {
        "en": "no device compliance snapshot is dated in {period}",
        "nl": "geen momentopname van de apparaatcompliance gedateerd in {period}"},
    "no_settings_for_resolution_norms": {
        "en": "no contract settings to read the resolution norms in force from",
        "nl": "geen contractinstellingen om de geldende oplosnormen uit te lezen"},
    "no_settings_for_holidays": {
        "en": "no contract settings to read the holiday configuration from",
        "nl": "geen contractinstellingen om de feestdagenregeling uit te lezen"},
    "no_expected_time": {
        "en": "{n} {priority} ticket(s) without a communicated expected resolution time, and {rule} has no "
              "per-record norm in force",
        "nl": "{n} {priority}-ticket(s) zonder gecommuniceerde verwachte oplostijd, en {rule} heeft geen geldende "
              "norm per melding"},
    "no_organisation_calendar": {
        "en": "the contract calendar has no entry for organisation {organisation}: which holidays it works on is "
              "not recorded",
        "nl": "de contractkalender heeft geen regel voor organisatie {organisation}: op welke feestdagen zij werkt, "
              "is niet vastgelegd"},
    "invalid_organisation_calendar": {
        "en": "the contract calendar for {organisation} is invalid: {problem}",
        "nl": "de contractkalender voor {organisation} is ongeldig: {problem}"},
    "no_cases_for_clause": {
        "en": "insufficient evidence for clause {clause}: {needs}",
        "nl": "onvoldoende bewijs voor normdeel {clause}: {needs}"},
    "no_norm": {
        "en": "no norm in force for clause(s) {clauses} (a supplier norm not in the contract settings?)",
        "nl": "geen geldende norm voor normdeel/-delen {clauses} (een norm van de leverancier die niet in de "
              "contractinstellingen staat?)"},
    "no_cases": {
        "en": "no cases in {period}",
        "nl": "geen gevallen in {period}"},
    "only_pending": {
        "en": "no case decided in {period}: {pending} pending at the as-of time (neither pass nor fail yet)",
        "nl": "geen geval beslist in {period}: {pending} nog lopend op de peildatum (nog geen voldoende of "
              "onvoldoende)"},
    # why a KPI is no part of its goal's KPI set on a day (engine/norms.py, kpi_state), and why it is
    "kpi_removed": {
        "en": "removed from goal {goal} by register entry {entry} from {date}",
        "nl": "per {date} uit doel {goal} verwijderd door normregisteritem {entry}"},
    "kpi_not_added_yet": {
        "en": "not in force yet: added to goal {goal} by register entry {entry} from {date}",
        "nl": "nog niet van kracht: per {date} aan doel {goal} toegevoegd door normregisteritem {entry}"},
    "kpi_new_rule_file": {
        "en": "a new rule file that no register entry adds to goal {goal} (not a KPI of the annex)",
        "nl": "een nieuw regelbestand dat geen normregisteritem aan doel {goal} toevoegt (geen KPI van bijlage 12a)"},
    "kpi_added": {
        "en": "added to goal {goal} by register entry {entry} from {date}",
        "nl": "per {date} aan doel {goal} toegevoegd door normregisteritem {entry}"},
    "kpi_of_annex": {
        "en": "a KPI of goal {goal} by the annex, not removed by the register",
        "nl": "een KPI van doel {goal} volgens bijlage 12a, niet verwijderd via het normregister"},
}
LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Reason:
    """One reason: its code (a key of ``WORDING``) and its arguments as text."""

    code: str
    args: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "en") -> str:
        return WORDING[self.code][lang].format(**dict(self.args))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "args": dict(self.args)}


def reason(code: str, **args: Any) -> Reason:
    """A ``Reason``; a code without wording, or arguments that its wording does not use alike in every language,
    is a bug (``KeyError``) found by the first test that meets it, not a report with a hole in it."""
    if code not in WORDING:
        raise KeyError(f"no wording for reason {code!r}")
    missing = placeholders(code) - set(args)
    if missing:
        raise KeyError(f"reason {code!r} needs {sorted(missing)}")
    return Reason(code, tuple((k, str(v)) for k, v in args.items()))


def placeholders(code: str) -> set[str]:
    """Every field any language's wording of ``code`` names."""
    return {f for lang in LANGUAGES for _, f, _, _ in string.Formatter().parse(WORDING[code][lang]) if f}


def text(reasons: tuple[Reason, ...], lang: str = "en") -> str:
    """Several reasons as one sentence, in ``lang``."""
    return "; ".join(r.text(lang) for r in reasons)


def from_data(items: list[dict[str, Any]], lang: str) -> str:
    """``text`` of the reasons as the JSON holds them (``{"code", "args"}``), for templates."""
    return text(tuple(Reason(x["code"], tuple(x["args"].items())) for x in items), lang)
