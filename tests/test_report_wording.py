"""The report's words in each language: units singular/plural in the report's language, ≥/≤, the Dutch decimal
comma (the annex writes "99,5%"), "—" in empty cells, natural sentences, cadence headings, and the JSON unchanged
by any of it (numbers stay numbers). Rendered from the embedded sample's JSON."""
from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from engine.cli import build_cli
from engine.report import fmt_limit_in, fmt_num, fmt_op, origin_words, place, render_report


def _audit_json(period: str) -> dict:
    res = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", period, "--format", "json"])
    assert res.exit_code == 1, res.output
    return json.loads(res.output)


@pytest.fixture(scope="module")
def q3():
    return _audit_json("2026-Q3")


@pytest.fixture(scope="module")
def year():
    return _audit_json("2026")


def lines(data: dict, lang: str) -> list[str]:
    return render_report(data, lang).splitlines()


def test_dutch_units_operators_and_decimal_comma(q3):
    text = lines(q3, "nl")
    for line in [
        "| T1-backup-compliance | 2026-08 | FAIL ⚠ | 97,85 %; 1 test | ≥ 99 %; ≥ 1 test | bijlage 12a; bijlage 12a | "
        "186 | 0 | ja |",
        "| T1-backup-compliance | 2026-09 | PASS | 100 %; 2 tests | ≥ 99 %; ≥ 1 test | bijlage 12a; bijlage 12a | 180 | 0 | ja |",
        "| T2-backlog-age | 2026-09 | FAIL ⚠ | 7,14 %; 1 ticket | ≤ 5 %; ≤ 20 tickets | bijlage 12a; bijlage 12a | 14 | 0 | ja |",
        "| T2-improvement-cycle | 2026-Q3 | FAIL | 6 punten; 66,67 % | ≥ 5 punten; ≥ 95 % | bijlage 12a; bijlage 12a | "
        "6 | 0 | nee |",
        "| SW-channels | 2026-07 | PASS | 3 kanalen | ≥ 3 kanalen | bijlage 12a | 67 | 0 | nee |",
        "| O1-servicedesk-availability | 2026-07 | PASS | 99,7 % | ≥ 99,5 % | bijlage 12a | 3 | 0 | ja |",
    ]:
        assert line in text
    tables = "\n".join(x for x in text if x.startswith("| "))  # (the English interpretations say "3 channels")
    assert "| >= " not in tables and "| <= " not in tables and "3 channels" not in tables and "1 tests" not in tables


def test_english_units_operators_and_decimal_point(q3):
    text = lines(q3, "en")
    for line in [
        "| T1-backup-compliance | 2026-08 | FAIL ⚠ | 97.85 %; 1 test | ≥ 99 %; ≥ 1 test | annex; annex | "
        "186 | 0 | yes |",
        "| T2-backlog-age | 2026-09 | FAIL ⚠ | 7.14 %; 1 ticket | ≤ 5 %; ≤ 20 tickets | annex; annex | 14 | 0 | yes |",
        "| T2-improvement-cycle | 2026-Q3 | FAIL | 6 items; 66.67 % | ≥ 5 items; ≥ 95 % | annex; annex | 6 | 0 | no |",
        "| SW-channels | 2026-07 | PASS | 3 channels | ≥ 3 channels | annex | 67 | 0 | no |",
    ]:
        assert line in text


def test_not_due_rows_show_a_dash_in_every_empty_cell(q3):
    assert ("| S2-sustainability-statement | 2026 (niet aan de orde) | NOT-APPLICABLE | — | — | — | — | — | nee |"
            in lines(q3, "nl"))
    assert "| T1-backup-compliance | 2026 (not due) | NOT-APPLICABLE | — | — | — | — | — | yes |" in lines(q3, "en")


def test_breach_details_show_no_python_booleans(q3):
    text = lines(q3, "nl")
    assert "- `SWC-2026-0246`: rework: ja, rolled\\_back: nee (bundle/changes.jsonl: regel 248)" in text
    assert "True" not in "\n".join(text) and "False" not in "\n".join(text)
    assert "- `SWC-2026-0246`: rework: yes, rolled\\_back: no (bundle/changes.jsonl: line 248)" in lines(q3, "en")


def test_dutch_sentences(q3):
    text = lines(q3, "nl")
    for line in [
        "### KPI's onder de norm",
        "5 signalen; zie de sectie Signalen.",
        "- veel uitzonderingen: T3-cvss-remediation: 1 bevinding uitgezonderd door een formele uitzondering "
        "(populatie 7).",
        "- nipt binnen de norm: SW-channels haalde in 3 van de 3 beoordeelde perioden de norm met een marge van "
        "hooguit 10 %.",
        "- nipt binnen de norm: O1-servicedesk-availability haalde in 3 van de 3 beoordeelde perioden de norm met "
        "een marge van hooguit 1 procentpunt.",
        "| 8 | T1-backup-compliance Back-up compliance | 2026-08 | FAIL | afwijking van de Overeenkomst; agendatype: "
        "altijd |",
        "| 9 | O2-standard-change-quality Volledigheid standaardwijzigingen | 2026-08 | FAIL | onder de norm "
        "(agendatype: alleen bij afwijking) |",
        "| 1 | O1-first-response-p1 First response P1 | 2026-08 | FAIL | afwijking van de Overeenkomst (uit het "
        "operationeel overleg) |",
        "| 3 | O1-major-incident-updates Major incident updates | 2026-08 | FAIL | afwijking van de Overeenkomst "
        "(contracteis zonder eigen overleg) |",
        "### Drempelwaarden voor signalen",
    ]:
        assert line in text
    joined = "\n".join(text)
    for garbled in ("van de norm van de norm", "signaal/signalen", "1 bevindingen", "uit operationeel", "Altijd",
                    "onder norm (Alleen"):
        assert garbled not in joined


def test_dutch_report_terms(q3, year):
    """The annex's and plain Dutch words: no English gloss on "Peildatum", no calque "en 1 meer", one plural of
    "periode" throughout, and the service-window note as a full sentence."""
    text, full = lines(q3, "nl"), lines(year, "nl")
    for line in [
        "| Peildatum | 2026-10-05T07:00:00+02:00 |",
        "| Regelset | slacheck 0.1.0, rules sha256:" + q3["tool"].split("sha256:")[1] + " |",
        "### Resultaten per status (rapportageperioden)",
        "| # | Onderwerp | Betreft periode | Status | Reden |",
        "| Soort | Bestand | Records | Beslaat | SHA-256 |",
        "Het servicevenster uit de contractinstellingen (`calendar.service_window`); er is geen bij inschrijving "
        "aangeboden ruimer venster vastgelegd.",
    ]:
        assert line in text
    assert "- … en nog 1 (volledige lijst in de JSON-uitvoer)" in full
    joined = "\n".join(text + full)
    for old in ("(as of)", "Over periode", "rapportageperiodes", "| Dekt |", " meer (volledige"):
        assert old not in joined


def test_dutch_window_from_the_tender_sheet(q3):
    data = copy.deepcopy(q3)
    data["contract"]["service_window"].update({"from": "tender_sheet", "source": "tender-sheet.yaml", "sha256": "ab12"})
    assert ("Het bij inschrijving aangeboden ruimere servicevenster geldt als contractuele norm (Bijlage 12a §3); het "
            "komt uit het invulblad tender-sheet.yaml (SHA-256 `ab12`), dat in de contractinstellingen is vastgelegd "
            "(`tender_sheet`).") in lines(data, "nl")


def test_english_sentences(q3):
    text = lines(q3, "en")
    for line in [
        "5 signals; see the Signals section.",
        "- many waivers: T3-cvss-remediation: 1 finding waived by a formal exception (population 7).",
        "- just within the norm: SW-channels met its norm in 3 of the 3 judged periods by a margin of at most 10 %.",
        "| 1 | O1-first-response-p1 First response P1 | 2026-08 | FAIL | deviation from the Agreement (from the "
        "operational meeting) |",
    ]:
        assert line in text
    assert "of the norm of it" not in "\n".join(text) and "signal(s)" not in "\n".join(text)


def test_no_deviations_and_one_signal(q3):
    data = copy.deepcopy(q3)
    data["summary"]["deviations"], data["summary"]["signals"] = [], 1
    nl, en = render_report(data, "nl"), render_report(data, "en")
    assert "\nGeen afwijkingen vastgesteld.\n" in nl and "\n1 signaal; zie de sectie Signalen.\n" in nl
    assert "\nNo deviations found.\n" in en and "\n1 signal; see the Signals section.\n" in en


def test_year_cadence_headings_and_signal_shares(year):
    nl, en = lines(year, "nl"), lines(year, "en")
    assert [x for x in nl if x.startswith("### ") and x[4:] in ("Maandelijks", "Per incident", "Per kwartaal",
                                                                 "Jaarlijks")] == [
        "### Maandelijks", "### Per incident", "### Per kwartaal", "### Jaarlijks"]
    assert "### Monthly" in en and "### Quarterly" in en and "### Yearly" in en
    assert not {"### monthly", "### quarterly", "### yearly", "### per_incident"} & set(nl)
    assert ("- veel resultaten zonder voldoende bewijs: 10 van de 36 resultaten onder dit doel (27,78 %) hebben "
            "onvoldoende bewijs (O4-m365-availability, O4-network-availability, O4-workplace-issuance).") in nl
    assert ("| T2-improvement-cycle | PASS 6 punten 100 % | PASS 6 punten 100 % | FAIL 6 punten 66,67 % | "
            "NO-DATA | ") in nl


def test_json_keeps_numbers_and_identifiers(q3):
    row = [r for r in q3["results"] if r["rule"] == "T1-backup-compliance" and r["period"] == "2026-08"][0]
    assert [(c["value"], c["op"], c["threshold"], c["unit"]) for c in row["clauses"]] == [
        (97.849462, ">=", 99, "%"), (1, ">=", 1, "tests")]


@pytest.mark.parametrize("value,unit,lang,text", [
    (97.85, "%", "nl", "97,85 %"), (97.85, "%", "en", "97.85 %"), (1, "business_h", "nl", "1 werkuur"),
    (8, "business_h", "nl", "8 werkuren"), (8, "business_h", "en", "8 business hours"), (1.5, "h", "nl", "1,5 uur"),
    (1, "working_days", "en", "1 working day"), (0, "tests", "en", "0 tests"), (2, "my_unit", "nl", "2 my\\_unit"),
    (None, "%", "nl", "—"), (12, "", "nl", "12"),
    (75.5, "%", None, "75.5 %"), (12, "working_days", None, "12 working_days"), (20, "tickets", None, "20"),
])
def test_fmt_num(value, unit, lang, text):
    """With a language: its words and decimal mark; without (change control): identifiers and a decimal point."""
    assert fmt_num(value, unit, lang) == text


@pytest.mark.parametrize("op,limit,unit,lang,text", [
    ("<=", 1, "business_h", "nl", "≤ 1 werkuur"), ("<=", 4.0, "business_h", "nl", "≤ 4 werkuren"),
    ("<=", 0.5, "h", "nl", "≤ 0,5 uur"), ("<=", 15, "min", "nl", "≤ 15 min"), ("<=", 5, "working_days", "nl", "≤ 5 werkdagen"),
    ("<=", 1, "business_h", "en", "≤ 1 h (business)"), ("<=", 0.5, "h", "en", "≤ 0.5 h"),
    ("<=", 10, "working_days", "en", "≤ 10 working days"),
])
def test_a_per_record_limit_reads_in_the_outputs_language(op, limit, unit, lang, text):
    """``slacheck explain``: English as a breach states it (``fmt_limit``), Dutch in the report's unit words."""
    assert fmt_limit_in(op, limit, unit, lang) == text


def test_a_norms_origin_reads_in_the_outputs_language():
    assert [origin_words(o, "nl") for o in ("annex", "tender", "register:CR-1", "rule:O1-x", "catalogue 'X'")] == [
        "bijlage 12a", "inschrijving", "normregister CR-1", "regel O1-x", "catalogue 'X'"]
    assert [origin_words(o, "en") for o in ("annex", "tender", "register:CR-1", "rule:O1-x")] == [
        "annex", "tender", "norm register CR-1", "rule O1-x"]


def test_an_operator_reads_as_the_sign_the_operator_table_gives():
    assert [fmt_op(o) for o in (">=", "<=", "==", "!=", ">", "<", "in", "~=")] == \
        ["≥", "≤", "=", "≠", "&gt;", "&lt;", "in", "\\~="]  # no sign in the table: the symbol, escaped


def test_insufficient_evidence_is_worded_in_the_reports_language_and_coded_in_the_json(q3):
    [x] = q3["summary"]["needs_evidence"]
    assert x["message"] == ("the 'workplace_requests' export covers 2026-01-01..2026-08-31, not all of 2026-09 "
                            "(2026-09-01..2026-09-30)")
    assert x["reasons"] == [{"code": "coverage", "args": {
        "kind": "workplace_requests", "spans": "2026-01-01..2026-08-31", "period": "2026-09", "first": "2026-09-01",
        "last": "2026-09-30"}}]
    nl = lines(q3, "nl")
    assert ("- O4-workplace-issuance (2026-09, NO-DATA): de export 'workplace\\_requests' beslaat "
            "2026-01-01..2026-08-31, niet de hele periode 2026-09 (2026-09-01..2026-09-30)") in nl
    assert ("Toelichting: de export 'workplace\\_requests' beslaat 2026-01-01..2026-08-31, niet de hele periode 2026-09 "
            "(2026-09-01..2026-09-30)") in nl
    assert ("- O4-workplace-issuance (2026-09, NO-DATA): the 'workplace\\_requests' export covers "
            "2026-01-01..2026-08-31, not all of 2026-09 (2026-09-01..2026-09-30)") in lines(q3, "en")
    # a result without codes (an ERROR's exception text) keeps its message in both languages
    data = copy.deepcopy(q3)
    data["summary"]["needs_evidence"][0].update(reasons=[], message="measure failed: boom")
    assert "- O4-workplace-issuance (2026-09, NO-DATA): measure failed: boom" in lines(data, "nl")


def test_where_a_breaching_record_is_reads_in_the_reports_language(q3):
    nl, en = render_report(q3, "nl"), render_report(q3, "en")
    assert nl.count(": regel ") == en.count(": line ") == 53 and ": line " not in nl


@pytest.mark.parametrize("source, text", [
    ("bundle/tickets.jsonl: line 472", "bundle/tickets.jsonl: regel 472"),
    ("bundle/register.json: record 3", "bundle/register.json: record 3"),
    ("bundle/a: line 5.csv: line 7", "bundle/a: line 5.csv: regel 7"),  # only the place the loader wrote is worded
    ("elsewhere", "elsewhere"),
])
def test_place(source, text):
    assert place(source, {"line": "regel", "record": "record"}) == text
