"""Rendered reports: golden Markdown in Dutch and English, JSON valid against its schema, --out with charts,
user templates in the sandbox, progress only on a terminal.

Regenerate the goldens after an intended change: ``SLACHECK_REGEN_GOLDEN=1 python -m pytest tests/test_report.py``.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from engine.audit import run_audit
from engine.cli import _as_of, build_cli
from engine.commands.audit import terminal_progress
from engine.periods import parse_period
from engine.report import BREACH_CAP, render_report, report_files
from engine.resources import schema_path
from engine.serialize import to_data, to_json
from golden import golden_bundle as gb

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("SLACHECK_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    bundle = gb.build(tmp_path_factory.mktemp("g"))
    result = run_audit(bundle, parse_period(gb.PERIOD), as_of=_as_of(gb.AS_OF), contract=gb.contract(),
                       catalogue=gb.catalogue())
    return result, to_data(result)


def schema():
    return json.loads(schema_path("report.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_markdown(golden, lang):
    _, data = golden
    text = render_report(data, lang, link_charts=True)
    path = GOLDEN / f"report.{lang}.md"
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs; SLACHECK_REGEN_GOLDEN=1 if intended"


def test_json_text_is_json_dumps_text(golden):
    """The breaching-record lists to_data makes are trusted by the JSON writer (checked when made): the text must
    still be json.dumps's, and a list holding something else is a plain list that the writer checks."""
    from engine.serialize import _Records, to_json_data
    _, data = golden
    lists = [x["breaches"] for x in data["results"] if x["breaches"]]
    assert lists and all(type(b) is _Records for b in lists)
    assert to_json_data(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_golden_figures(golden):
    result, data = golden
    assert [(d["rule"], d["period"]) for d in data["summary"]["deviations"]] == [
        ("O1-first-response-p1", "2026-03"), ("T2-backlog-age", "2026-12"), ("T3-cvss-remediation", "2026-Q2")]
    goals = {g["id"]: g for g in data["goals"]}
    assert {k: goals[k]["status"] for k in ("S1", "T1", "T2", "T3", "O1", "O5")} == {
        "S1": "FAIL", "T1": "NO-DATA", "T2": "FAIL", "T3": "FAIL", "O1": "FAIL", "O5": "PASS"}
    assert goals["O5"]["green_with_signals"] and goals["T1"]["reason"] == "no_rules"
    assert [(s["goal"], s["rule"], s["kind"], s["periods"]) for s in data["signals"]["items"]] == [
        ("T3", "T3-cvss-remediation", "waived", ["2026-Q3"]),
        ("O1", "O1-first-response-p1", "near_norm", ["2026-04", "2026-05"]),
        ("O5", "O5-patch-compliance", "falling_trend", ["2026-01", "2026-02", "2026-03"])]
    strategic = [a for a in data["agendas"] if a["meeting"] == "strategic"][0]
    assert [(i["subject"], i["reasons"]) for i in strategic["items"]] == [
        ("S1", ["standing"]), ("O1-first-response-p1", ["deviation"]), ("T2-backlog-age", ["deviation"]),
        ("T3-cvss-remediation", ["deviation"])]
    charts = [row["chart"] for tr in data["trends"] for row in tr["rows"] if row["chart"]]
    assert charts == ["charts/O1-first-response-p1.svg", "charts/T2-backlog-age.svg", "charts/T3-cvss-remediation.svg"]
    march = [r for r in data["results"] if r["rule"] == "O1-first-response-p1" and r["period"] == "2026-03"][0]
    assert march["breaches"][0]["id"] == "INC-0301" and march["clauses"][0]["norm_origin"] == "annex"
    assert result.exit_code == 1


def test_json_output_validates_against_the_report_schema(golden):
    jsonschema.Draft202012Validator(schema()).validate(json.loads(to_json(golden[0])))


def test_sample_year_json_validates_and_is_deterministic():
    runner = CliRunner()
    a = runner.invoke(build_cli(), ["audit", "--sample", "--period", "2026", "--format", "json"])
    b = runner.invoke(build_cli(), ["audit", "--sample", "--period", "2026", "--format", "json"])
    assert a.exit_code == 1 and a.output == b.output
    jsonschema.Draft202012Validator(schema()).validate(json.loads(a.output))


def test_breaches_are_capped_in_markdown_with_a_count_and_complete_in_json(golden):
    _, data = golden
    data = json.loads(json.dumps(data))
    row = [r for r in data["results"] if r["rule"] == "O1-first-response-p1" and r["period"] == "2026-03"][0]
    row["breaches"] = [{"id": f"INC-{n:03d}", "detail": "late", "source": None} for n in range(BREACH_CAP + 5)]
    text = render_report(data, "en")
    assert f"- `INC-{BREACH_CAP - 1:03d}`" in text and f"INC-{BREACH_CAP:03d}" not in text
    assert "- … and 5 more (full list in the JSON output)" in text
    assert f"Records that breach the norm ({BREACH_CAP + 5}):" in text


def test_out_writes_report_json_and_deterministic_charts(tmp_path):
    runner = CliRunner()
    for n in (1, 2):
        res = runner.invoke(build_cli(), ["audit", "--sample", "--period", "2026-01..2026-09", "--out", str(tmp_path / f"o{n}")])
        assert res.exit_code == 1, res.output
    names = sorted(p.relative_to(tmp_path / "o1").as_posix() for p in (tmp_path / "o1").rglob("*") if p.is_file())
    assert "report.md" in names and "report.json" in names and "charts/T2-backlog-age.svg" in names
    for name in names:
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes(), name
    md = (tmp_path / "o1" / "report.md").read_text(encoding="utf-8")
    assert "![T2-backlog-age](charts/T2-backlog-age.svg)" in md
    assert not [p for p in (tmp_path / "o1").rglob(".*")]


def test_stdout_markdown_links_no_charts(golden):
    assert "charts/" not in render_report(golden[1], "nl")


def test_report_files_lists_one_svg_per_kpi_below_norm(golden, tmp_path):
    files = report_files(golden[1], tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in files) == [
        "charts/O1-first-response-p1.svg", "charts/T2-backlog-age.svg", "charts/T3-cvss-remediation.svg",
        "report.json", "report.md"]


def test_user_templates_override_built_ins_in_the_sandbox(golden, tmp_path):
    (tmp_path / "report.md.j2").write_text("Eigen: {{ d.period.label }} {{ d.summary.deviations | length }}\n"
                                           "{% include 'agendas.md.j2' %}", encoding="utf-8")
    text = render_report(golden[1], "nl", tmp_path)
    assert text.startswith("Eigen: 2026 3\n")
    (tmp_path / "report.md.j2").write_text("{{ d.__class__.__mro__ }}", encoding="utf-8")
    import jinja2.exceptions
    with pytest.raises(jinja2.exceptions.SecurityError):
        render_report(golden[1], "nl", tmp_path)


def test_progress_bar_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True
    plain = io.StringIO()
    assert terminal_progress(plain)[0] is None
    tty = Tty()
    update, close = terminal_progress(tty)
    for n in range(1, 11):
        update(n, 10)
    close()
    assert "slacheck:" in tty.getvalue() and "/10 [" in tty.getvalue()


def test_cli_report_has_no_progress_output_when_not_a_terminal():
    res = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026-Q3", "--format", "json"])
    json.loads(res.output)  # stdout is pure JSON: no bar, no stray text
    assert "slacheck:" not in res.output


def test_bad_signal_setting_is_a_usage_error():
    res = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026-Q3", "--signal", "trend_steps=x",
                                           "--signal", "nope=1"])
    assert res.exit_code == 2
    assert "--signal: 'trend_steps=x': trend_steps needs an integer" in res.output
    assert "--signal: 'nope=1': expected KEY=VALUE" in res.output


@pytest.mark.parametrize("lang,want", [
    ("nl", "bijlage 12a; ondergrens bijlage 12a; inschrijving; normregister NR-2027-01; buyer's floor (contract settings)"),
    ("en", "annex; annex floor; tender; norm register NR-2027-01; buyer's floor (contract settings)")])
def test_a_norm_source_is_written_in_the_reports_words(lang, want):
    from engine.report import environment, labels

    template = environment().from_string("{% for o in origins %}{{ o | origin }}{% if not loop.last %}; {% endif %}"
                                         "{% endfor %}")
    origins = ["annex", "annex floor", "tender", "register:NR-2027-01", "buyer's floor (contract settings)"]
    assert template.render(origins=origins, t=labels(lang)) == want
