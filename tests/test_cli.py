"""The command line through click's runner: exit codes, outputs, located errors."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from casefiles import write_bundle
from engine.cli import build_cli
from engine.resources import sample_dir


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(build_cli(), list(args), catch_exceptions=False)
    return invoke


def test_sample_audit_prints_markdown_and_exits_1_on_deviations(run):
    res = run("audit", "--sample", "--period", "2026-Q3")
    assert res.exit_code == 1
    assert res.output.startswith("# Bevindingen SLA-toetsing Bijlage 12a")
    assert "O1-first-response-p1" in res.output


def test_sample_audit_json_carries_results_and_documents(run):
    res = run("audit", "--sample", "--period", "2026-Q3", "--format", "json")
    data = json.loads(res.output)
    assert res.exit_code == 1 == data["exit_code"]
    assert {d["kind"] for d in data["bundle"]["documents"]} >= {"tickets", "vulnerabilities", "patch_states"}
    assert all(len(d["sha256"]) == 64 for d in data["bundle"]["documents"])
    cvss = [r for r in data["results"] if r["rule"] == "T3-cvss-remediation" and r["period"] == "2026-Q3"][0]
    assert cvss["waived"][0]["reference"] == "EXC-2026-003"


def test_rows_of_a_rule_with_two_cadences_are_in_period_order(run):
    """T2-rca-timeliness reports per incident (monthly) and quarterly: the months in order, then the quarter (it
    came second, between 07 and 08); T1-backup-compliance (monthly, yearly) in a year: the months, then 2026."""
    q3 = json.loads(run("audit", "--sample", "--period", "2026-Q3", "--format", "json").output)["results"]
    assert [r["period"] for r in q3 if r["rule"] == "T2-rca-timeliness"] == ["2026-07", "2026-08", "2026-09", "2026-Q3"]
    md = run("audit", "--sample", "--period", "2026-Q3").output
    assert [line.split(" | ")[1] for line in md.splitlines() if line.startswith("| T2-rca-timeliness |")] == [
        "2026-07", "2026-08", "2026-09", "2026-Q3"]
    year = json.loads(run("audit", "--sample", "--period", "2026", "--format", "json").output)["results"]
    assert [r["period"] for r in year if r["rule"] == "T1-backup-compliance"] == [
        *(f"2026-{m:02d}" for m in range(1, 13)), "2026"]
    assert [r["period"] for r in year if r["rule"] == "T2-rca-timeliness"] == [
        *(f"2026-{m:02d}" for m in range(1, 13)), "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026"]


def test_out_writes_both_reports(run, tmp_path):
    res = run("audit", "--sample", "--period", "2026-Q3", "--out", str(tmp_path / "out"))
    assert res.exit_code == 1
    assert (tmp_path / "out" / "report.md").read_text(encoding="utf-8").startswith("# ")
    json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_bad_period_is_usage_error(run):
    res = run("audit", "--sample", "--period", "2026-Q5")
    assert res.exit_code == 2
    assert "--period: '2026-Q5' is not a period" in res.output


@pytest.mark.parametrize("args, message", [
    (["--period", "9999-12"], "--period: '9999-12' is out of range (expected a period between 1970 and 2199)"),
    (["--period", "2026-09..9999-12"], "--period: '9999-12' is out of range (expected a period between 1970 and 2199)"),
    (["--period", "2026-Q3", "--as-of", "0001-01-01T00:00:00+01:00"],
     "--as-of: '0001-01-01T00:00:00+01:00' is out of range (expected a time between 1970 and 2199)"),
    (["--period", "2026-Q3", "--as-of", "9999-12-31T23:59:59-01:00"],
     "--as-of: '9999-12-31T23:59:59-01:00' is out of range (expected a time between 1970 and 2199)"),
    (["--period", "2026-Q3", "--as-of", "yesterday"], "--as-of: 'yesterday' is not an ISO 8601 timestamp"),
    (["--period", "2026-Q3", "--as-of", "2026-10-05T07:00:00"],
     "--as-of: '2026-10-05T07:00:00' needs a time zone offset, e.g. 2026-10-05T07:00:00+02:00"),
])
def test_period_or_as_of_beyond_the_engines_years_is_usage_error(run, args, message):
    res = run("audit", "--sample", *args)
    assert (res.exit_code, res.stderr) == (2, f"slacheck: 1 problem(s) in the input:\n{message}\n")


def test_non_finite_signal_value_is_usage_error_and_no_json_is_written(run):
    res = run("audit", "--sample", "--period", "2026-Q3", "--format", "json", "--signal", "near_norm_margin=nan")
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == ("slacheck: 1 problem(s) in the input:\n"
                          "--signal: 'near_norm_margin=nan': near_norm_margin needs a finite number\n")


@pytest.mark.parametrize("command", ["audit", "agenda"])
def test_missing_or_file_templates_folder_is_usage_error(run, tmp_path, command):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for folder, why in ((tmp_path / "nonexistent", "does not exist"), (afile, "is a file")):
        res = run(command, "--sample", "--period", "2026-Q3", "--templates", str(folder))
        assert (res.exit_code, res.stdout) == (2, "")
        assert res.stderr.endswith(f"Error: Invalid value for '--templates': Directory '{folder}' {why}.\n")


@pytest.mark.parametrize("args", [["audit", "BUNDLE"], ["audit", "BUNDLE", "OTHER"], ["agenda", "BUNDLE"],
                                  ["goals", "BUNDLE"]])
def test_bundle_and_sample_together_is_usage_error(run, args):
    res = run(*args, "--sample", "--period", "2026-Q3")
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == ("slacheck: 1 problem(s) in the input:\n"
                          "--sample: give a BUNDLE folder (BUNDLE) or --sample, not both\n")


def test_audit_without_bundle_is_usage_error(run):
    res = run("audit", "--period", "2026-Q3")
    assert res.exit_code == 2


@pytest.mark.parametrize("args", [["rules", "list"], ["audit", "--sample", "--period", "2026-09"], ["goals"]])
def test_closed_stdout_exits_141_quietly(args):
    """``slacheck rules list | head -5`` is no bad input: exit 141 (128 + SIGPIPE) with nothing on stderr. The pipe's
    reading end is closed before slacheck writes, so every write fails (with a live reader it may not)."""
    read, write = os.pipe()
    os.close(read)
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "engine.cli", *args], stdout=write, stderr=subprocess.PIPE,
                          cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    os.close(write)
    assert (proc.returncode, proc.stderr.decode()) == (141, "")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_a_reader_leaving_midway_through_a_large_report_exits_141_quietly(fmt):
    """``slacheck audit … | head -5``: the year's report (~200 kB) is more than the pipe holds, and the reader goes
    after a few bytes. One large write would return the part the pipe took and Python would drop the rest without
    an error (exit 1, as if the report had been read); written in a loop, the next write fails: 141, nothing on
    stderr."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "audit", "--sample", "--period", "2026", "--format",
                             fmt], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert len(proc.stdout.read(100)) == 100
    proc.stdout.close()
    assert (proc.wait(timeout=120), proc.stderr.read().decode()) == (141, "")
    proc.stderr.close()


def test_rules_list_shows_every_rule(run):
    res = run("rules", "list")
    assert res.exit_code == 0
    for rid in ("O1-first-response-p1", "T2-backlog-age", "T3-cvss-remediation"):
        assert rid in res.output
    assert "quarterly" in res.output and "tactical" in res.output and "always" in res.output
    [csat] = [line for line in res.output.splitlines() if line.startswith("O3-csat ")]
    assert csat == ("O3-csat                        O3    ≥ 75%; leverancier mag bij inschrijving een hogere norm aan…  "
                    "yes                   monthly                 operational  on_deviation")  # cut, and marked
    assert max(len(line) for line in res.output.splitlines()) < 200


def test_rules_validate_reports_every_error_in_every_file(run, tmp_path):
    src = Path(__file__).resolve().parent.parent / "rules" / "kpis"
    bad = tmp_path / "rules"
    bad.mkdir()
    good = (src / "T2-backlog-age.yaml").read_text(encoding="utf-8")
    (bad / "T2-backlog-age.yaml").write_text(good.replace('op: "<="', 'op: "=<"', 1).replace("goal: T2", "goal: T9"),
                                             encoding="utf-8")
    (bad / "O5-patch-compliance.yaml").write_text("id: O5-patch-compliance\nid: again\n", encoding="utf-8")
    (bad / "T3-wrong-name.yaml").write_text((src / "T3-cvss-remediation.yaml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    res = run("rules", "validate", str(bad))
    assert res.exit_code == 2
    out = res.output
    assert "rules/T2-backlog-age.yaml: $.goal:" in out
    assert "rules/T2-backlog-age.yaml: $.norm.clauses[0].op: '=<' is not one of" in out
    assert "rules/O5-patch-compliance.yaml: line 2: duplicate key 'id'" in out
    assert "rules/T3-wrong-name.yaml: $.id: id 'T3-cvss-remediation' must equal the file name 'T3-wrong-name'" in out


def test_rules_validate_names_the_files_by_the_path_given(run, tmp_path, monkeypatch):
    """A copy of the rules in rbad/ is reported as rbad/kpis/…, not as the built-in rules/kpis/…."""
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", tmp_path / "rbad")
    csat = tmp_path / "rbad" / "kpis" / "O3-csat.yaml"
    csat.write_text(csat.read_text(encoding="utf-8").replace('op: ">="', 'op: "=>"', 1), encoding="utf-8")
    goals = tmp_path / "rbad" / "goals.yaml"
    goals.write_text(goals.read_text(encoding="utf-8") + "goals: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("rules", "validate", "rbad").stderr == (
        "slacheck: 1 problem(s) in the input:\n"
        "rbad/goals.yaml: line 77: duplicate key 'goals' (a key may appear once)\n")
    goals.write_text((Path(__file__).resolve().parent.parent / "rules" / "goals.yaml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    assert run("rules", "validate", "rbad").stderr == (
        "slacheck: 1 problem(s) in the input:\n"
        "rbad/kpis/O3-csat.yaml: $.norm.clauses[0].op: '=>' is not one of ['>=', '>', '<=', '<', '==', '!=']\n")
    assert run("rules", "validate", str(Path(__file__).resolve().parent.parent / "rules")).output == (
        "40 rule file(s) valid\n")


def test_rules_validate_of_a_file_or_a_missing_folder_says_so(run, tmp_path, monkeypatch):
    """A rule file or a mistyped path given for DIRECTORY is named as such, not as a folder without rule files."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "O3-csat.yaml").write_text("id: O3-csat\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    expected = " (expected a folder with kpis/*.yaml, or the kpis folder)\n"
    assert (run("rules", "validate", "O3-csat.yaml").exit_code, run("rules", "validate", "O3-csat.yaml").stderr) == (
        2, "slacheck: 1 problem(s) in the input:\nO3-csat.yaml: is a file, not a rules folder" + expected)
    assert run("rules", "validate", "rulez").stderr == (
        "slacheck: 1 problem(s) in the input:\nrulez: no such folder" + expected)
    assert run("rules", "validate", "empty").stderr == (
        "slacheck: 1 problem(s) in the input:\nempty: no rule files (*.yaml) found\n")
    assert run("rules", "list", "--rules", "rulez").exit_code == 2


def test_evidence_check_valid_and_invalid(run, tmp_path):
    res = run("evidence", "check", str(sample_dir() / "bundle"))
    assert res.exit_code == 0 and "valid" in res.output
    broken = tmp_path / "b"
    shutil.copytree(sample_dir() / "bundle", broken)
    lines = (broken / "tickets.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"priority": "P', '"priority": "X', 1)
    lines[4] = "{not json"
    (broken / "tickets.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run("evidence", "check", str(broken))
    assert res.exit_code == 2
    assert "b/tickets.jsonl: line 3" in res.output and "$.priority" in res.output
    assert "b/tickets.jsonl: line 5: not valid JSON" in res.output
    # a file's problems in line order, though parsing finds line 5's before the schema finds line 3's
    lines = res.stderr.splitlines()
    assert lines[1].startswith("b/tickets.jsonl: line 3 (") and lines[2].startswith("b/tickets.jsonl: line 5: ")


def test_explain_shows_the_timeline_of_a_disputed_figure(run, tmp_path):
    bundle = write_bundle(tmp_path / "b", {"tickets": [
        {"id": "INC-7", "type": "incident", "priority": "P2", "reported_at": "2026-03-06T17:55:00+01:00",
         "status": "closed", "events": [{"at": "2026-03-06T17:56:00+01:00", "type": "auto_ack"},
                                        {"at": "2026-03-09T08:10:00+01:00", "type": "response"}]}]},
        ["2026-01-01", "2026-12-31"], "2026-04-10T00:00:00+02:00")
    res = run("explain", str(bundle), "INC-7", "--lang", "en", "--rule", "O1-first-response-p2")
    assert res.exit_code == 0, res.output
    assert "measured: 900 s (15.0 min)" in res.output
    assert "- per-record limit: ≤ 1 h (business) (annex)\n" in res.output  # as a breach states it, no unit ids
    assert "verdict: within the limit" in res.output
    assert "weekend" in res.output
    nl = run("explain", str(bundle), "INC-7", "--rule", "O1-first-response-p2").output  # Dutch by default
    assert "## O1-first-response-p2: eerste inhoudelijke reactie\n" in nl  # the annex's words, as breach details
    assert "- gemeten: 900 s (15,0 min)\n" in nl  # decimal comma, as the report writes figures
    assert "- norm per melding: ≤ 1 werkuur (bijlage 12a)\n" in nl  # the report's unit and origin words
    res = run("explain", str(bundle), "INC-404")
    assert res.exit_code == 2 and "no record with this id" in res.output
    res = run("explain", str(bundle), "INC-7", "--rule", "O1-first-response-p9")
    assert (res.exit_code, res.stderr) == (2, "slacheck: 1 problem(s) in the input:\n--rule: no rule "
                                              "'O1-first-response-p9' (the rule ids are those of slacheck rules list)\n")


def test_explain_containment_pauses_third_party_waits_and_knows_nothing_after_as_of(run, tmp_path):
    incident = {"id": "SEC-9", "title": "Account", "category": "account compromise", "priority": "P2",
                "ticket_id": None, "detected_at": "2026-09-08T09:30:00+02:00", "contained_at": "2026-09-11T09:30:00+02:00",
                "status": "closed", "third_party_waits": [{"party": "Hosting B.V.", "start": "2026-09-08T15:30:00+02:00",
                                                           "end": "2026-09-09T17:30:00+02:00", "reference": "H-1"}]}
    bundle = write_bundle(tmp_path / "b", {"security_incidents": [incident]}, ["2026-07-01", "2026-09-30"],
                          "2026-10-05T07:00:00+02:00")
    res = run("explain", str(bundle), "SEC-9", "--lang", "en")
    assert res.exit_code == 0, res.output
    # 6 h + 0.5 h + 10 h + 1.5 h of the window counted; 2.5 h on Tuesday and 9.5 h on Wednesday paused
    assert "## O1-time-to-containment: containment (P2)" in res.output
    assert "measured: 64800 s (1080.0 min)" in res.output and "paused 12:00:00" in res.output
    assert "- per-record limit: ≤ 24 h (business) (rule O1-time-to-containment)\n" in res.output
    assert "verdict: within the limit" in res.output
    # at an as-of before containment, the end is not known yet: measured up to as-of, and within the limit so far
    res = run("explain", str(bundle), "SEC-9", "--lang", "en", "--as-of", "2026-09-10T08:00:00+02:00")
    assert res.exit_code == 0, res.output
    assert "measured: 23400 s (390.0 min) — no end yet; measured up to as-of" in res.output
    assert "verdict: pending" in res.output
    nl = run("explain", str(bundle), "SEC-9", "--as-of", "2026-09-10T08:00:00+02:00").output  # Dutch by default
    assert "- klok: werkuren" in nl and "(Europe/Amsterdam): geteld 6:30:00 (23400 s), gepauzeerd " in nl
    assert "- oordeel: lopend (nog geen eind, termijn niet verstreken)" in nl
    assert "gepauzeerd (klok stilgezet)" in nl and "business" not in nl
    assert "- gemeten: 23400 s (390,0 min) — geen eindmoment; gemeten tot de peildatum\n" in nl
    assert "- norm per melding: ≤ 24 werkuren (regel O1-time-to-containment)\n" in nl
    assert "## O1-time-to-containment: inperking (P2)\n" in nl


def _day_rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("| 2026-")]


def test_explain_counts_a_workplace_term_day_by_day(run, tmp_path):
    """O4 (day_limit_share) counts the working days elapsed after the request day, as within_days does: a workplace
    ready on the holiday right after the 5th working day has taken 5 and is in time; the next working day is late.
    The term ends when working day 6 begins, and the audit agrees."""
    bundle = write_bundle(tmp_path / "b", {"workplace_requests": [
        {"id": "WPL-1", "requested_at": "2026-04-24T10:00:00+02:00", "ready_at": "2026-05-05T11:00:00+02:00",
         "status": "ready"},
        {"id": "WPL-2", "requested_at": "2026-04-24T10:00:00+02:00", "ready_at": "2026-05-06T09:00:00+02:00",
         "status": "ready"}]}, ["2026-01-01", "2026-12-31"], "2026-06-05T00:00:00+02:00")
    res = run("explain", str(bundle), "WPL-1", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "## O4-workplace-issuance: ready for use" in res.output
    assert ("- counted as the working days elapsed after the start day (the start day is day 0; `day_limit_share`): "
            "the term ends at 23:59:59 of the last day on which that count is still 5, and an end after that instant "
            "is late, so an end on a weekend or holiday right after working day 5 is still in time" in res.output)
    assert "- end: Tue 2026-05-05 11:00:00 (ready_at)" in res.output
    assert "- per-record limit: ≤ 5 working days (annex)\n" in res.output
    assert "- term ends: Tue 2026-05-05 23:59:59" in res.output
    assert "- counted: 5 working days" in res.output and "- verdict: within the limit" in res.output
    assert _day_rows(res.output) == [
        "| 2026-04-24 | Fri | working day | day 0 (start day) | 0 | start 10:00:00 |",
        "| 2026-04-25 | Sat | no working day (weekend) | no | 0 |  |",
        "| 2026-04-26 | Sun | no working day (weekend) | no | 0 |  |",
        "| 2026-04-27 | Mon | public holiday: Koningsdag | no | 0 |  |",
        "| 2026-04-28 | Tue | working day | yes | 1 |  |",
        "| 2026-04-29 | Wed | working day | yes | 2 |  |",
        "| 2026-04-30 | Thu | working day | yes | 3 |  |",
        "| 2026-05-01 | Fri | working day | yes | 4 |  |",
        "| 2026-05-02 | Sat | no working day (weekend) | no | 4 |  |",
        "| 2026-05-03 | Sun | no working day (weekend) | no | 4 |  |",
        "| 2026-05-04 | Mon | working day | yes | 5 |  |",
        "| 2026-05-05 | Tue | public holiday: Bevrijdingsdag | no | 5 | end 11:00:00; term ends 23:59:59 |"]
    late = run("explain", str(bundle), "WPL-2", "--lang", "en").output
    assert "- term ends: Tue 2026-05-05 23:59:59" in late and "- counted: 6 working days" in late
    assert "- verdict: BREACH" in late
    assert _day_rows(late)[-1] == "| 2026-05-06 | Wed | working day | yes | 6 | end 09:00:00 |"
    audit = json.loads(run("audit", str(bundle), "--period", "2026-05", "--format", "json").output)
    [o4] = [r for r in audit["results"] if r["rule"] == "O4-workplace-issuance"]
    assert [b["id"] for b in o4["breaches"]] == ["WPL-2"] and o4["clauses"][0]["value"] == 50.0
    nl = run("explain", str(bundle), "WPL-2").output  # Dutch by default
    assert "- oordeel: OVERSCHRIJDING" in nl and "- termijn eindigt: di 2026-05-05 23:59:59" in nl
    assert "- norm per record: ≤ 5 werkdagen (bijlage 12a)\n" in nl
    assert "## O4-workplace-issuance: werkplek gereed voor gebruik\n" in nl
    assert "| 2026-05-05 | di | feestdag: Bevrijdingsdag | nee | 5 | termijn eindigt 23:59:59 |" in nl
    # before the end is known and while the term runs: pending, the table up to as-of
    res = run("explain", str(bundle), "WPL-1", "--lang", "en", "--as-of", "2026-04-30T12:00:00+02:00")
    assert "- end: none known at as-of (Thu 2026-04-30 12:00:00)" in res.output
    assert "- counted: 3 working days (as-of)" in res.output and "- verdict: pending" in res.output
    assert _day_rows(res.output)[-1] == "| 2026-04-30 | Thu | working day | yes | 3 | as-of 12:00:00 |"
    nl = run("explain", str(bundle), "WPL-1", "--as-of", "2026-04-30T12:00:00+02:00").output
    assert "- eind: nog niet bekend op de peildatum (do 2026-04-30 12:00:00)" in nl


def test_explain_names_an_organisation_closing_day_and_moves_the_term_with_it(run, tmp_path):
    """A closing day of the organisation is no working day: WPL-1's term then ends on Wednesday 6 May (Tuesday is
    Bevrijdingsdag), so the same delivery is in time, in explain and in the audit alike."""
    contract = tmp_path / "contract.yaml"
    text = (sample_dir() / "contract.yaml").read_text(encoding="utf-8")
    assert text.count("extra_closed: {}") == 1
    contract.write_text(text.replace("extra_closed: {}", 'extra_closed: {"2026-04-28": "Verhuizing"}'),
                        encoding="utf-8")
    bundle = write_bundle(tmp_path / "b", {"workplace_requests": [
        {"id": "WPL-1", "requested_at": "2026-04-24T10:00:00+02:00", "ready_at": "2026-05-05T11:00:00+02:00",
         "status": "ready"}]}, ["2026-01-01", "2026-12-31"], "2026-06-05T00:00:00+02:00")
    res = run("explain", str(bundle), "WPL-1", "--lang", "en", "--contract", str(contract))
    assert res.exit_code == 0, res.output
    assert "| 2026-04-28 | Tue | organisation closed: Verhuizing | no | 0 |  |" in res.output
    assert "- term ends: Wed 2026-05-06 23:59:59" in res.output
    assert "- counted: 4 working days" in res.output and "- verdict: within the limit" in res.output
    audit = json.loads(run("audit", str(bundle), "--period", "2026-05", "--format", "json", "--contract",
                           str(contract)).output)
    [o4] = [r for r in audit["results"] if r["rule"] == "O4-workplace-issuance"]
    assert (o4["status"], o4["breaches"]) == ("PASS", [])


def test_explain_counts_an_rca_term_day_by_day(run, tmp_path):
    """T2-rca-timeliness (within_days, end from the earliest documented-and-shared RCA): the working days elapsed
    after the closure day, so an RCA shared on the Saturday after the 10th working day counts 10 and is in time;
    without an RCA the incident is pending up to the end of that Sunday and a breach on the Monday."""
    tickets = [{"id": f"MI-{i}", "type": "incident", "priority": "P1", "major_incident": True,
                "reported_at": "2026-04-22T08:00:00+02:00", "status": "closed",
                "closed_at": "2026-04-22T10:00:00+02:00", "events": []} for i in (1, 2)]
    rcas = [{"id": "RCA-1b", "incident_id": "MI-1", "documented_at": "2026-05-20T10:00:00+02:00",
             "shared_at": "2026-05-21T10:00:00+02:00"},
            {"id": "RCA-1", "incident_id": "MI-1", "documented_at": "2026-05-08T16:00:00+02:00",
             "shared_at": "2026-05-09T10:00:00+02:00"}]
    bundle = write_bundle(tmp_path / "b", {"tickets": tickets, "rcas": rcas}, ["2026-01-01", "2026-12-31"],
                          "2026-06-05T00:00:00+02:00")
    res = run("explain", str(bundle), "MI-1", "--lang", "en", "--rule", "T2-rca-timeliness")
    assert res.exit_code == 0, res.output
    assert ("- counted as the working days elapsed after the start day up to the end day (the start day is day 0; "
            "`within_days`): the end is in time while that count is ≤ 10, so an end on a weekend or holiday right "
            "after working day 10 still counts 10: in time" in res.output)
    assert "- start: Wed 2026-04-22 10:00:00 (closed_at)" in res.output
    assert ("- end: Sat 2026-05-09 10:00:00 (rcas: documented_at, shared_at)\n"
            "  - rcas RCA-1b: documented_at Wed 2026-05-20 10:00:00, shared_at Thu 2026-05-21 10:00:00\n"
            "  - rcas RCA-1: documented_at Fri 2026-05-08 16:00:00, shared_at Sat 2026-05-09 10:00:00\n" in res.output)
    assert "- per-record limit: ≤ 10 working days (annex)\n" in res.output
    nl = run("explain", str(bundle), "MI-1", "--rule", "T2-rca-timeliness").output
    assert "het eind is op tijd zolang die telling ≤ 10 is" in nl
    assert "- norm per record: ≤ 10 werkdagen (bijlage 12a)\n" in nl
    assert "- term ends: Sun 2026-05-10 23:59:59" in res.output
    assert "- counted: 10 working days" in res.output and "- verdict: within the limit" in res.output
    assert _day_rows(res.output) == [
        "| 2026-04-22 | Wed | working day | day 0 (start day) | 0 | start 10:00:00 |",
        "| 2026-04-23 | Thu | working day | yes | 1 |  |",
        "| 2026-04-24 | Fri | working day | yes | 2 |  |",
        "| 2026-04-25 | Sat | no working day (weekend) | no | 2 |  |",
        "| 2026-04-26 | Sun | no working day (weekend) | no | 2 |  |",
        "| 2026-04-27 | Mon | public holiday: Koningsdag | no | 2 |  |",
        "| 2026-04-28 | Tue | working day | yes | 3 |  |",
        "| 2026-04-29 | Wed | working day | yes | 4 |  |",
        "| 2026-04-30 | Thu | working day | yes | 5 |  |",
        "| 2026-05-01 | Fri | working day | yes | 6 |  |",
        "| 2026-05-02 | Sat | no working day (weekend) | no | 6 |  |",
        "| 2026-05-03 | Sun | no working day (weekend) | no | 6 |  |",
        "| 2026-05-04 | Mon | working day | yes | 7 |  |",
        "| 2026-05-05 | Tue | public holiday: Bevrijdingsdag | no | 7 |  |",
        "| 2026-05-06 | Wed | working day | yes | 8 |  |",
        "| 2026-05-07 | Thu | working day | yes | 9 |  |",
        "| 2026-05-08 | Fri | working day | yes | 10 |  |",
        "| 2026-05-09 | Sat | no working day (weekend) | no | 10 | end 10:00:00 |"]
    res = run("explain", str(bundle), "MI-2", "--lang", "en", "--rule", "T2-rca-timeliness",
              "--as-of", "2026-05-10T12:00:00+02:00")
    assert "  - no rcas record references it" in res.output
    assert "- counted: 10 working days (as-of)" in res.output and "- verdict: pending" in res.output
    assert _day_rows(res.output)[-1] == (
        "| 2026-05-10 | Sun | no working day (weekend) | no | 10 | as-of 12:00:00; term ends 23:59:59 |")
    res = run("explain", str(bundle), "MI-2", "--lang", "en", "--rule", "T2-rca-timeliness",
              "--as-of", "2026-05-11T09:00:00+02:00")
    assert "- counted: 11 working days (as-of)" in res.output and "- verdict: BREACH" in res.output
    assert _day_rows(res.output)[-2:] == [
        "| 2026-05-10 | Sun | no working day (weekend) | no | 10 | term ends 23:59:59 |",
        "| 2026-05-11 | Mon | working day | yes | 11 | as-of 09:00:00 |"]
    audit = json.loads(run("audit", str(bundle), "--period", "2026-04", "--format", "json").output)
    assert {b["id"] for r in audit["results"] if r["rule"] == "T2-rca-timeliness" for b in r["breaches"]} == {"MI-2"}


def test_explain_agrees_with_the_sample_audit_on_every_day_term_breach(run):
    """Every breach of a rule counted in days in the sample's 2026-Q3 audit is a BREACH in explain too."""
    from engine.audit import service_calendar
    from engine.bundle import load_bundle
    from engine.explain import explain_record
    from engine.rulefiles import load_catalogue
    from engine.settings import load_contract

    catalogue = load_catalogue()
    day_rules = {r.id for r in catalogue.rules.values() if r.measure.id in ("within_days", "day_limit_share")}
    audit = json.loads(run("audit", "--sample", "--period", "2026-Q3", "--format", "json").output)
    breaches = {(r["rule"], b["id"]) for r in audit["results"] if r["rule"] in day_rules for b in r["breaches"]}
    assert {("O4-workplace-issuance", "WPL-2026-0103"), ("T2-rca-timeliness", "INC-2026-00276")} <= breaches
    assert len(breaches) == 9
    bundle = load_bundle(sample_dir() / "bundle")
    contract = load_contract(None, catalogue=catalogue)
    calendar = service_calendar(contract, bundle.organisation)
    for rule_id, record_id in sorted(breaches):
        [found] = explain_record(bundle, record_id, catalogue, contract, calendar, bundle.exported_at, rule_id)
        assert found.within is False, (rule_id, record_id)
        assert found.deadline is not None and (found.end is None or found.end > found.deadline), (rule_id, record_id)
