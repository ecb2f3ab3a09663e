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


def test_rules_list_shows_every_rule(run):
    res = run("rules", "list")
    assert res.exit_code == 0
    for rid in ("O1-first-response-p1", "T2-backlog-age", "T3-cvss-remediation"):
        assert rid in res.output
    assert "quarterly" in res.output and "tactical" in res.output and "always" in res.output


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


def test_explain_shows_the_timeline_of_a_disputed_figure(run, tmp_path):
    bundle = write_bundle(tmp_path / "b", {"tickets": [
        {"id": "INC-7", "type": "incident", "priority": "P2", "reported_at": "2026-03-06T17:55:00+01:00",
         "status": "closed", "events": [{"at": "2026-03-06T17:56:00+01:00", "type": "auto_ack"},
                                        {"at": "2026-03-09T08:10:00+01:00", "type": "response"}]}]},
        ["2026-01-01", "2026-12-31"], "2026-04-10T00:00:00+02:00")
    res = run("explain", str(bundle), "INC-7", "--lang", "en", "--rule", "O1-first-response-p2")
    assert res.exit_code == 0, res.output
    assert "measured: 900 s (15.0 min)" in res.output
    assert "verdict: within the limit" in res.output
    assert "weekend" in res.output
    res = run("explain", str(bundle), "INC-404")
    assert res.exit_code == 2 and "no record with this id" in res.output


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
    assert "per-record limit: <= 24 business_h (rule O1-time-to-containment)" in res.output
    assert "verdict: within the limit" in res.output
    # at an as-of before containment, the end is not known yet: measured up to as-of, and within the limit so far
    res = run("explain", str(bundle), "SEC-9", "--lang", "en", "--as-of", "2026-09-10T08:00:00+02:00")
    assert res.exit_code == 0, res.output
    assert "measured: 23400 s (390.0 min) — no end yet; measured up to as-of" in res.output
    assert "verdict: pending" in res.output
