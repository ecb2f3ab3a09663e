"""Breach details in Dutch in the Dutch report: every detail the measures write (English, kept in the JSON) is
matched by a template of engine/details.py and worded from its Dutch twin; the English report and the JSON are
unchanged. Per template: the English text a measure makes and its exact Dutch wording."""
from __future__ import annotations

import glob
import json
import re
import string

import pytest
import yaml
from click.testing import CliRunner

from engine import details
from engine.cli import build_cli
from engine.details import WORDING, detail, frame, match, parts, word
from engine.report import labels, render_report

NL_UNITS = labels("nl")["units"]

# key → (the values a measure fills in, the Dutch text expected)
CASES: dict[str, tuple[dict, str]] = {
    "late": ({"label": "resolution", "elapsed": "8.96 h (business)", "limit": "≤ 8 h (business)"},
             "oplossing na 8,96 werkuren (norm ≤ 8 werkuren)"),
    "open_late": ({"label": "stabilisation", "elapsed": "1.00 h", "limit": "≤ 0.5 h"},
                  "nog geen stabilisatie; op de peildatum 1,00 uur (norm ≤ 0,5 uur)"),
    "open_days_late": ({"label": "RCA documented and shared", "elapsed": "12 working days",
                        "limit": "≤ 10 working days"},
                       "nog geen RCA gedocumenteerd en gedeeld; op de peildatum 12 werkdagen (norm ≤ 10 werkdagen)"),
    "no_joined_record": ({"document": "rca_reports", "elapsed": "1 calendar days", "limit": "≤ 1 calendar days"},
                         "geen record in rca_reports; op de peildatum 1 kalenderdag (norm ≤ 1 kalenderdag)"),
    "unknown_catalogue_item": ({"key": "catalogue_id", "reference": "'SWC-99'", "document": "swc_catalogue"},
                               "catalogue_id 'SWC-99' staat niet in het document swc_catalogue"),
    "backlog_age": ({"age": "21 working days", "day": "2026-09-30"}, "21 werkdagen open op 2026-09-30"),
    "contained_late": ({"priority": "P1", "elapsed": "5.00 h", "limit": "≤ 4 h"},
                       "P1 ingeperkt na 5,00 uur (norm ≤ 4 uur)"),
    "not_contained": ({"priority": "P2", "elapsed": "30 min (business)", "limit": "≤ 15 min (business)"},
                      "P2 niet ingeperkt; op de peildatum 30 werkminuten (norm ≤ 15 werkminuten)"),
    "on_call_late": ({"reported": "2026-08-22T10:17:00+02:00", "elapsed": "41 min", "limit": "≤ 15 min"},
                     "gemeld 2026-08-22T10:17:00+02:00 buiten het servicevenster; eerste reactie na 41 min "
                     "(norm ≤ 15 min)"),
    "on_call_open": ({"reported": "2026-08-22T22:00:00+02:00", "elapsed": "16 min", "limit": "≤ 15 min"},
                     "gemeld 2026-08-22T22:00:00+02:00 buiten het servicevenster; nog geen reactie; op de peildatum "
                     "16 min (norm ≤ 15 min)"),
    "issued_late": ({"label": "ready for use", "elapsed": "8 working days", "at": "2026-01-22T11:27:00+01:00",
                     "limit": "≤ 5 working days", "deadline": "2026-01-19T23:59:59+01:00"},
                    "werkplek gereed voor gebruik na 8 werkdagen (2026-01-22T11:27:00+01:00); norm ≤ 5 werkdagen, "
                    "termijn verstreken 2026-01-19T23:59:59+01:00"),
    "not_issued": ({"label": "ready for use", "limit": "≤ 5 working days", "deadline": "2026-01-19T23:59:59+01:00"},
                   "geen werkplek gereed voor gebruik toen de termijn verstreek; norm ≤ 5 werkdagen, termijn "
                   "verstreken 2026-01-19T23:59:59+01:00"),
    "mi_ticket_unknown": ({"ticket": "INC-2026-00999"},
                          "ticket INC-2026-00999 staat niet in de ticketexport: de oplossing is onbekend"),
    "mi_no_log": ({}, "geen communicatielog"),
    "mi_first_update_late": ({"elapsed": "22 min", "limit": "≤ 15 min"}, "eerste update na 22 min (norm ≤ 15 min)"),
    "mi_first_update_never": ({"limit": "≤ 15 min"}, "eerste update nooit verstuurd (norm ≤ 15 min)"),
    "mi_update_gap": ({"elapsed": "75 min", "time": "03:22", "day": "2026-08-13", "limit": "≤ 60 min"},
                      "75 min zonder update na 03:22 op 2026-08-13 (norm ≤ 60 min)"),
    "no_proactive_update": ({"expected": "2026-02-19T10:48:00+01:00"},
                            "geen proactieve update vóór de verwachte oplostijd 2026-02-19T10:48:00+01:00"),
    "proactive_update_late": ({"at": "2026-03-25T12:50:00+01:00", "expected": "2026-03-25T09:50:00+01:00"},
                              "eerste proactieve update 2026-03-25T12:50:00+01:00 kwam na de verwachte oplostijd "
                              "2026-03-25T09:50:00+01:00"),
    "owner_changes": ({"count": 2}, "2 keer van eigenaar gewisseld"),
    "owner_gaps": ({"count": 1}, "1 keer zonder eigenaar"),
    "handovers": ({"count": 3}, "3 keer overgedragen aan een andere lijn"),
    "reopens": ({"count": 1}, "1 keer heropend"),
    "low_score": ({"score": "5.5", "ticket": "REQ-2026-00482"}, "score 5,5 op ticket REQ-2026-00482"),
    "no_coordination": ({}, "geen coördinatie tussen partijen vastgelegd"),
    "coordination_late": ({"elapsed": "2.50 h (business)", "limit": "≤ 2 h (business)"},
                          "coördinatie gestart na 2,50 werkuren (norm ≤ 2 werkuren)"),
    "not_coordinated_by_as_of": ({"as_of": "2026-12-31T23:59:00+01:00"},
                                 "niet met elke partij gecoördineerd op de peildatum 2026-12-31T23:59:00+01:00"),
    "not_coordinated_with": ({"parties": "KPN Zakelijk, Voorbeeld Managed Services"},
                             "niet gecoördineerd met KPN Zakelijk, Voorbeeld Managed Services"),
    "handovers_without_note": ({"count": 1}, "1 overdracht zonder notitie"),
    "ownership_lapsed": ({}, "eigenaarschap gewisseld of vervallen"),
    "user_not_updated": ({}, "gebruiker niet op de hoogte gehouden terwijl de partijen eraan werkten"),
    "conditions": ({"conditions": details.conditions_text([("rework", "yes"), ("rolled_back", "no"),
                                                           ("category", "'standard'")])},
                   "rework: ja, rolled_back: nee, category: 'standard'"),
    "rolled_back": ({}, "teruggedraaid"),
    "linked_incident_unknown": ({"incident": "INC-2026-00999"},
                                "gekoppeld incident INC-2026-00999 staat niet in de ticketexport"),
    "linked_incident": ({"incident": "INC-2026-00287", "reported": "2026-09-10T10:17:00+02:00"},
                        "gekoppeld incident INC-2026-00287 gemeld 2026-09-10T10:17:00+02:00"),
    "outage": ({"minutes": "12.5", "start": "2026-02-16T12:57:00+01:00", "end": "2026-02-16T13:09:30+01:00"},
               "12,5 min binnen het servicevenster (2026-02-16T12:57:00+01:00 → 2026-02-16T13:09:30+01:00, "
               "afgekapt op de periode)"),
    "location_below": ({"figure": "98.452", "minutes": "195", "outages": "OUT-2026-0038, OUT-2026-0039"},
                       "98,452 % beschikbaar (195 werkminuten uitval; storingen OUT-2026-0038, OUT-2026-0039)"),
    "not_working_day": ({}, "geen werkdag in de contractkalender"),
    "window_short": ({"covered": "8.50", "needed": "9.00", "open": "08:00", "close": "17:00"},
                     "het servicevenster beslaat 8,50 van de 9,00 uur tussen 08:00 en 17:00"),
    "channel_unused": ({"channel": "phone", "period": "2026-09"}, "geen ticket gemeld via phone in 2026-09"),
    "holiday_worked": ({"holiday": "Tweede Kerstdag"},
                       "Tweede Kerstdag is een werkdag in de contractkalender (niet uitgesloten)"),
    "exception_unknown": ({"exception": "EXC-2026-099"},
                          "uitzondering EXC-2026-099 staat niet in het register van security-uitzonderingen"),
    "exception_not_in_force": ({"exception": "EXC-2026-004"},
                               "uitzondering EXC-2026-004 was aan het eind van de termijn niet van kracht"),
    "not_mitigated": ({"cvss": "9.8", "term": 7},
                      "CVSS 9,8; termijn 7 kalenderdagen; gemitigeerd: niet gemitigeerd op de peildatum"),
    "mitigated_late": ({"cvss": "8.8", "term": 7, "mitigated": "2026-02-01T07:30:00+01:00"},
                       "CVSS 8,8; termijn 7 kalenderdagen; gemitigeerd: 2026-02-01T07:30:00+01:00"),
    "waived": ({"term": 14}, "niet gemitigeerd binnen 14 dagen; formele uitzondering van kracht"),
    "patch_not_installed": ({"patch": "KB5034441", "due": "2026-03-14T00:00:00+01:00"},
                            "KB5034441 uiterlijk 2026-03-14T00:00:00+01:00, niet geïnstalleerd"),
    "patch_late": ({"patch": "KB5034441", "due": "2026-03-14T00:00:00+01:00",
                    "installed": "2026-03-20T09:00:00+01:00"},
                   "KB5034441 uiterlijk 2026-03-14T00:00:00+01:00, geïnstalleerd 2026-03-20T09:00:00+01:00"),
    "exception_incomplete": ({"missing": details.missing_text(["reason", "compensating control", "herijkdatum"])},
                             "onvolledig: geen reden, geen compenserende maatregel, geen herijkdatum"),
    "not_reevaluated": ({"due": "2026-05-31"}, "niet herijkt; de herijking moest uiterlijk 2026-05-31 plaatsvinden"),
    "reevaluated_late": ({"done": "2026-06-10", "due": "2026-05-31"},
                         "herijkt op 2026-06-10; de herijking moest uiterlijk 2026-05-31 plaatsvinden"),
    "device_reason": ({"day": "2026-06-30", "reason": "BitLocker niet actief"},
                      "niet compliant op 2026-06-30: BitLocker niet actief"),
    "device": ({"day": "2026-06-30"}, "niet compliant op 2026-06-30"),
    "eos_not_signalled": ({"eos": "2026-08-10", "lead": 90},
                          "EoS 2026-08-10: niet gesignaleerd (nodig: ≥ 90 dagen vooraf)"),
    "eos_signalled_late": ({"eos": "2026-08-10", "signalled": "2026-06-11", "days": 60, "lead": 90},
                           "EoS 2026-08-10: gesignaleerd 2026-06-11, 60 dagen vooraf (nodig: ≥ 90 dagen vooraf)"),
    "no_lifecycle_review": ({}, "geen lifecyclereview gehouden in het kwartaal"),
    "review_horizon": ({"reviews": "LCR-2026-Q2"}, "review LCR-2026-Q2 besloeg geen horizon van 12 maanden"),
    "no_restore_test": ({}, "geen geslaagde restoretest in het venster"),
    "no_tender_statement": ({}, "geen verklaring gemarkeerd als ingediend bij de inschrijving"),
    "no_statement": ({"day": "2026-01-31"}, "geen verklaring op 2026-01-31"),
    "statement_stale": ({"version": "DV-2024-1", "changed": "2024-11-30", "day": "2026-01-31"},
                        "laatste versie DV-2024-1 laatst gewijzigd 2024-11-30, meer dan 12 maanden vóór 2026-01-31"),
    "statement_no_actions": ({"version": "DV-2026-1"}, "laatste versie DV-2026-1 noemt geen acties"),
    "follow_up_missing": ({}, "opvolging nodig maar niet vastgelegd"),
    "no_applied_action": ({}, "geen concrete actie gerapporteerd als toegepast in de uitvoering"),
    "no_owner": ({}, "geen eigenaar"),
    "no_decision_moment": ({}, "geen beslismoment"),
    "not_updated": ({"days": 90}, "niet bijgewerkt in de laatste 90 dagen"),
    "decision_overdue": ({}, "beslismoment verstreken zonder besluit"),
    "too_few_items": ({"count": 2, "minimum": 3},
                      "2 actieve gerangschikte verbeterpunten; ten minste 3 vereist"),
    "backup_run": ({"job": "JOB-SQL", "status": "failed"}, "JOB-SQL: failed"),
}


def test_every_template_has_a_case():
    assert sorted(CASES) == sorted(WORDING)


@pytest.mark.parametrize("key", sorted(WORDING))
def test_the_same_placeholders_in_both_languages(key):
    fields = [{f for _, f, _, _ in string.Formatter().parse(WORDING[key][lang]) if f}
              for lang in details.LANGUAGES]
    assert fields[0] == fields[1]


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_template_in_dutch(key):
    values, dutch = CASES[key]
    english = detail(key, **values)
    assert match(english)[0] == key
    assert word(english, "nl", NL_UNITS) == dutch
    assert word(english, "en", NL_UNITS) == english


def test_frame_gives_the_text_detail_gives():
    before, after = frame("late", "elapsed", label="resolution", limit="≤ 8 h (business)")
    assert before + "8.96 h (business)" + after == "resolution after 8.96 h (business) (limit ≤ 8 h (business))"
    with pytest.raises(KeyError):
        frame("rolled_back", "elapsed")


def test_joined_findings_are_worded_part_by_part_and_an_unknown_part_stays_as_written():
    text = ("no party_coordination recorded; not coordinated with KPN Zakelijk; 2 handover(s) without a note; "
            "something new; 1 keer")
    assert word(text, "nl", NL_UNITS) == ("geen coördinatie tussen partijen vastgelegd; niet gecoördineerd met KPN "
                                          "Zakelijk; 2 overdrachten zonder notitie; something new; 1 keer")
    assert [found is None for _, found in parts(text)] == [False, False, False, True, True]


def test_several_durations_of_one_ticket():
    text = ("no stabilisation yet; at as-of 9.00 h (limit ≤ 4 h); "
            "definitive resolution after 50.25 h (limit ≤ 48 h)")
    assert word(text, "nl", NL_UNITS) == ("nog geen stabilisatie; op de peildatum 9,00 uur (norm ≤ 4 uur); "
                                          "definitieve oplossing na 50,25 uur (norm ≤ 48 uur)")


def test_the_most_specific_template_wins():
    assert match("P1 contained after 5.00 h (limit ≤ 4 h)")[0] == "contained_late"
    assert match("not coordinated with every party by the as-of time 2026-12-31T23:59:00+01:00")[0] == \
        "not_coordinated_by_as_of"
    assert match("CVSS 9.8; term 7 calendar days; mitigated: not mitigated at as-of")[0] == "not_mitigated"


def test_every_label_of_the_rule_files_has_its_dutch_word():
    found = set()
    for path in glob.glob("rules/kpis/*.yaml"):
        params = (yaml.safe_load(open(path, encoding="utf-8")).get("measure") or {}).get("params") or {}
        if "label" in params:
            found.add(params["label"])
        for spec in (params.get("durations") or {}).values():
            found.add(spec.get("label"))
    found.discard(None)
    assert found and found <= set(details.TERMS)


@pytest.fixture(scope="module")
def year() -> dict:
    res = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026", "--format", "json"])
    assert res.exit_code == 1, res.output
    return json.loads(res.output)


def test_every_detail_of_the_sample_year_matches_a_template(year):
    texts = {b["detail"] for x in year["results"] for b in x["breaches"]}
    texts |= {w["reason"] for x in year["results"] for w in x["waived"]}
    assert len(texts) > 100
    unmatched = sorted(part for text in texts for part, found in parts(text) if found is None)
    assert unmatched == []
    used = {found[0] for text in texts for _, found in parts(text)}
    assert sorted(used) == [
        "backlog_age", "backup_run", "conditions", "contained_late", "decision_overdue", "device_reason",
        "eos_signalled_late", "exception_incomplete", "handovers", "handovers_without_note", "issued_late", "late",
        "linked_incident", "location_below", "low_score", "mi_update_gap", "mitigated_late", "no_coordination",
        "no_proactive_update", "not_coordinated_with", "not_reevaluated", "not_updated", "on_call_late", "outage",
        "owner_changes", "patch_late", "proactive_update_late", "reopens", "review_horizon", "rolled_back",
        "user_not_updated", "waived"]


def test_the_measures_use_every_template_and_no_other():
    """The measures name their templates by key (``detail``/``frame``/``_no_counts_share``'s counts): every key
    they name has a wording, and every wording is used (no template for a format no measure writes)."""
    source = "\n".join(open(f, encoding="utf-8").read() for f in sorted(glob.glob("engine/measures/*.py")))
    named = set(re.findall(r'(?:detail|frame)\(\s*"([a-z_]+)"', source))
    named |= set(re.findall(r'"(?:[a-z_]+)": "([a-z_]+)"', source)) & set(WORDING)  # the count columns' keys
    named |= {k for pair in re.findall(r'detail\(\s*"([a-z_]+)" if .+? else "([a-z_]+)"', source) for k in pair}
    named |= {k for k in re.findall(r'for key in \(([^)]*)\)', source) for k in re.findall(r'"([a-z_]+)"', k)}
    assert named - set(WORDING) == set()
    assert set(WORDING) - named == set()


def test_the_dutch_report_words_the_breaches_and_the_english_one_does_not(year):
    nl, en = render_report(year, "nl"), render_report(year, "en")
    assert "- `INC-2026-00205`: oplossing na 8,96 werkuren (norm ≤ 8 werkuren) (bundle/tickets.jsonl: regel 349)" \
        in nl.splitlines()
    assert "- `INC-2026-00205`: resolution after 8.96 h (business) (limit ≤ 8 h (business)) " \
           "(bundle/tickets.jsonl: line 349)" in en.splitlines()
    assert "- `VULN-0031`: niet gemitigeerd binnen 14 dagen; formele uitzondering van kracht (EXC-2026-003)" \
        in nl.splitlines()


def test_an_evidence_value_ending_in_a_semicolon_is_still_matched():
    """A value may end with ";" where the template's next word follows a space: "; " there is no join."""
    text = detail("mi_ticket_unknown", ticket="INC-1;")
    assert match(text) == ("mi_ticket_unknown", {"ticket": "INC-1;"})
    assert word(text, "nl", NL_UNITS) == "ticket INC-1; staat niet in de ticketexport: de oplossing is onbekend"
    assert word(detail("linked_incident", incident=";", reported="2026-09-10T10:17:00+02:00"), "nl", NL_UNITS) == \
        "gekoppeld incident ; gemeld 2026-09-10T10:17:00+02:00"


def test_a_field_and_value_inside_joined_evidence_text_is_not_reworded():
    """A device's reason "Defender: no; BitLocker: no" holds "; ": its second half is evidence text, not a
    change's unmet condition, so its "no" stays as the evidence wrote it."""
    text = detail("device_reason", day="2026-06-30", reason="Defender: no; BitLocker: no")
    assert [(run, found and found[0]) for run, found in parts(text)] == [
        ("non-compliant on 2026-06-30: Defender: no", "device_reason"), ("BitLocker: no", None)]
    assert word(text, "nl", NL_UNITS) == "niet compliant op 2026-06-30: Defender: no; BitLocker: no"
    assert word("rework: yes, rolled_back: no", "nl", NL_UNITS) == "rework: ja, rolled_back: nee"
    assert word("JOB-SQL: failed", "nl", NL_UNITS) == "JOB-SQL: failed"


def test_a_text_that_only_looks_like_a_field_and_value_is_worded_by_its_own_template():
    """"x: anything" fits ``conditions`` too; its values other than yes/no are any text, so a template that
    explains more of the text wins (before, ``conditions`` counted as explaining all and took these)."""
    text = detail("holiday_worked", holiday="Koningsdag:")
    assert match(text)[0] == "holiday_worked"
    assert word(text, "nl", NL_UNITS) == "Koningsdag: is een werkdag in de contractkalender (niet uitgesloten)"
    text = detail("unknown_catalogue_item", key="catalogue:", reference="'SWC-99'", document="swc_catalogue")
    assert word(text, "nl", NL_UNITS) == "catalogue: 'SWC-99' staat niet in het document swc_catalogue"
    assert match("rework: yes, rolled_back: no")[0] == "conditions"
    assert match("incomplete: no reason")[0] == "exception_incomplete"
    assert match("JOB-SQL: failed")[0] == "backup_run"
    assert match("JOB_SQL: failed")[0] == "conditions"  # the same words either way: a status is never yes/no


def test_the_measures_join_findings_with_the_joiner_the_dutch_wording_splits_on():
    source = "\n".join(open(f, encoding="utf-8").read() for f in sorted(glob.glob("engine/measures/*.py")))
    assert re.findall(r'"; "\.join', source) == []
    assert len(re.findall(r"\bJOIN\.join\(", source)) == 9


@pytest.mark.parametrize("key, values, dutch", [
    ("waived", {"term": 1}, "niet gemitigeerd binnen 1 dag; formele uitzondering van kracht"),
    ("waived", {"term": 14}, "niet gemitigeerd binnen 14 dagen; formele uitzondering van kracht"),
    ("not_mitigated", {"cvss": "9.8", "term": 1},
     "CVSS 9,8; termijn 1 kalenderdag; gemitigeerd: niet gemitigeerd op de peildatum"),
    ("eos_signalled_late", {"eos": "2026-08-10", "signalled": "2026-08-09", "days": 1, "lead": 90},
     "EoS 2026-08-10: gesignaleerd 2026-08-09, 1 dag vooraf (nodig: ≥ 90 dagen vooraf)"),
    ("not_updated", {"days": 1}, "niet bijgewerkt in de laatste 1 dag"),
    ("too_few_items", {"count": 1, "minimum": 5}, "1 actief gerangschikt verbeterpunt; ten minste 5 vereist"),
    ("handovers_without_note", {"count": 2}, "2 overdrachten zonder notitie"),
    ("location_below", {"figure": "99.983", "minutes": "1", "outages": "OUT-1"},
     "99,983 % beschikbaar (1 werkminuut uitval; storingen OUT-1)"),
    ("location_below", {"figure": "99.983", "minutes": "1.5", "outages": "OUT-1"},
     "99,983 % beschikbaar (1,5 werkminuten uitval; storingen OUT-1)"),
])
def test_a_count_of_one_takes_the_singular_in_dutch(key, values, dutch):
    """Dutch has no "day(s)": after 1 the word is singular ("1 dag"), after any other figure plural."""
    assert word(detail(key, **values), "nl", NL_UNITS) == dutch


def test_a_template_has_at_most_one_placeholder_taking_any_text():
    """Instants, days, statuses and the rule files' field and document names are one word each (kind "word"):
    with two placeholders taking any text, a detail that fails to match backtracks over every split of them."""
    for key, wording in WORDING.items():
        free = {n for _, n, _, _ in string.Formatter().parse(wording["en"])
                if n and details.KINDS.get(n, "text") in ("text", "term")}
        assert len(free) <= 1, (key, free)


def test_a_long_evidence_value_repeating_the_templates_words_is_worded_at_once():
    """A reference of 4,500 characters repeating " is not in the " took 13 s to word (three placeholders taking any
    text, the whole failing to match before its parts were tried); now it is immediate."""
    import time

    reference = repr(" is not in the " * 300)
    text = detail("unknown_catalogue_item", key="catalogue_id", reference=reference, document="swc_catalogue") + "; x"
    started = time.perf_counter()
    assert word(text, "nl", NL_UNITS) == f"catalogue_id {reference} staat niet in het document swc_catalogue; x"
    assert time.perf_counter() - started < 1.0
