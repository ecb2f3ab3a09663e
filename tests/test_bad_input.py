"""Bad input never crashes: every bundle in tests/bad_bundles gives exit 2 and exactly its expected messages,
from `evidence check` and from `audit`, with nothing written; unexpected failures never show a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.bundle import document_schema, known_kinds, load_bundle
from engine.cli import build_cli
from engine.consistency import annotation_problems
from engine.errors import EvidenceError

CORPUS = Path(__file__).parent / "bad_bundles"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.txt").is_file())
SAMPLE = Path(__file__).parents[1] / "evidence" / "sample" / "bundle"


def run(args: list[str], cwd: Path | None = None):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd or old)
    try:
        return runner.invoke(build_cli(), args, catch_exceptions=True)
    finally:
        os.chdir(old)


def edit_manifest(bundle: Path, kind: str, **changes) -> dict:
    import yaml

    doc = yaml.safe_load((bundle / "manifest.yaml").read_text(encoding="utf-8"))
    for d in doc["documents"]:
        if d["kind"] == kind:
            d.update(changes)
    (bundle / "manifest.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return doc


def test_corpus_has_one_case_per_failure_kind():
    assert len(CASES) >= 35


@pytest.mark.parametrize("name", CASES)
def test_evidence_check_reports_exactly(name):
    result = run(["evidence", "check", name], cwd=CORPUS)
    assert result.exit_code == 2, result.output
    assert result.stderr == (CORPUS / name / "expected.txt").read_text(encoding="utf-8")
    assert result.stdout == ""
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) or \
        isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("name", CASES)
def test_audit_reports_exactly_and_writes_nothing(name, tmp_path):
    out = tmp_path / "out"
    result = run(["audit", name, "--period", "2026-Q3", "--out", str(out)], cwd=CORPUS)
    assert result.exit_code == 2, result.output
    assert result.stderr == (CORPUS / name / "expected.txt").read_text(encoding="utf-8")
    assert not out.exists()


def test_every_problem_is_located_file_record_field():
    with pytest.raises(EvidenceError) as info:
        load_bundle(CORPUS / "schema-deep-types")
    located = [(p.file, p.record, p.field) for p in info.value.problems]
    assert ("schema-deep-types/tickets.jsonl", "line 2 (INC-2)", "$.events[1].at") in located
    assert all(f.startswith("schema-deep-types/") and r and fl for f, r, fl in located)


def test_unreadable_document_is_a_located_error(tmp_path, monkeypatch):
    import shutil
    bundle = tmp_path / "b"
    shutil.copytree(CORPUS / "sha256-mismatch", bundle)
    real_read, real_open = Path.read_bytes, Path.open

    def deny_read(self):
        if self.name == "tickets.jsonl":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    def deny_open(self, *args, **kwargs):  # JSON Lines are streamed, not read whole
        if self.name == "tickets.jsonl":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", deny_read)
    monkeypatch.setattr(Path, "open", deny_open)
    result = run(["evidence", "check", str(bundle)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == "b/tickets.jsonl: cannot be read: Permission denied"


@pytest.mark.parametrize("args", [
    ["evidence", "check", "problem-cap", "references-into-empty"],
    ["audit", "problem-cap", "references-into-empty", "--period", "2026-Q3", "--jobs", "1"]])
def test_header_counts_every_problem_shown_or_not(args):
    """60 in problem-cap (50 shown, 10 counted in its cap note) and 1 in the other bundle: the header says 61."""
    result = run(args, cwd=CORPUS)
    lines = result.stderr.splitlines()
    assert (result.exit_code, lines[0], len(lines)) == (2, "slacheck: 61 problem(s) in the input:", 1 + 50 + 1 + 1)
    # the cap note follows its file's last problem shown, before the other bundle's problem
    assert lines[51] == "problem-cap/tickets.jsonl: … and 10 more problem(s) not shown"
    assert lines[-1].startswith("references-into-empty/")


def test_a_sha256_mismatch_alone_still_checks_references_into_its_document(tmp_path):
    """Only a refused record (or an unreadable document) stops the references into its kind being checked: a
    SHA-256 mismatch refuses no record, so the dangling ones are still named one by one."""
    import shutil

    bundle = tmp_path / "b"
    shutil.copytree(CORPUS / "dangling-references", bundle)
    edit_manifest(bundle, "security_exceptions", sha256="0" * 64)
    lines = run(["evidence", "check", str(bundle)]).stderr.splitlines()
    assert lines[0] == "slacheck: 3 problem(s) in the input:"
    assert lines[1].startswith("b/exceptions.json: SHA-256 mismatch: the manifest says 0000")
    assert lines[2:] == [f"b/vulnerabilities.jsonl: line {n} (V-{n}): $.exception_id: found {v!r}, expected the id "
                         "of a security_exceptions record (no security_exceptions record in the bundle has it)"
                         for n, v in ((2, "EXC-9"), (3, "exc-1"))]


def test_unexpected_error_is_one_line_without_traceback(monkeypatch):
    import engine.bundle

    def boom(root):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(engine.bundle, "load_bundle", boom)
    result = run(["evidence", "check", str(SAMPLE)])
    assert result.exit_code == 3
    assert result.stderr == "slacheck: internal error (RuntimeError: simulated bug); please report it\n"


def test_unwritable_output_folder_is_bad_input(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run(["audit", "--sample", "--period", "2026-09", "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1].startswith(str(blocker / "out"))


def test_subprocess_bad_bundle_exit_2_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "evidence", "check", "binary-garbage"], cwd=CORPUS,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(CORPUS.parents[1])})
    assert proc.returncode == 2
    assert proc.stderr == (CORPUS / "binary-garbage" / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in proc.stderr


def test_schema_annotations_are_well_formed():
    kinds = known_kinds()
    problems = [p for k in kinds for p in annotation_problems(k, document_schema(k), kinds)]
    assert problems == []


def test_existing_schemas_declare_references_and_order():
    vul = document_schema("vulnerabilities")
    assert vul["x-references"] == {"exception_id": "security_exceptions"}
    assert ["reported_at", "events[].at"] in document_schema("tickets")["x-order"]
    assert ["reported_at", "resolved_at"] in document_schema("tickets")["x-order"]


def test_evidence_not_covering_the_period_is_no_data(tmp_path, catalogue, contract):
    """A tickets export that stops on 15 September makes the September ticket KPIs NO-DATA, never a pass."""
    import shutil

    from engine.audit import run_audit
    from engine.periods import parse_period
    from engine.serialize import to_data

    bundle = tmp_path / "short"
    shutil.copytree(SAMPLE, bundle)
    edit_manifest(bundle, "tickets", covers={"from": "2026-01-01", "to": "2026-09-15"})
    data = to_data(run_audit(bundle, parse_period("2026-09"), catalogue=catalogue, contract=contract))
    by_rule = {(x["rule"], x["period"]): x for x in data["results"]}
    r = by_rule[("O1-first-response-p1", "2026-09")]
    assert r["status"] == "NO-DATA"
    assert r["message"] == ("the 'tickets' export covers 2026-01-01..2026-09-15, not all of 2026-09 "
                            "(2026-09-01..2026-09-30)")
    assert by_rule[("T3-cvss-remediation", "2026-09")]["status"] != "NO-DATA"


def test_sha256_in_manifest_verified_and_listed(tmp_path, catalogue, contract):
    import hashlib
    import shutil

    from engine.audit import run_audit
    from engine.periods import parse_period
    from engine.serialize import to_data

    bundle = tmp_path / "signed"
    shutil.copytree(SAMPLE, bundle)
    digest = hashlib.sha256((bundle / "tickets.jsonl").read_bytes()).hexdigest()
    manifest = edit_manifest(bundle, "tickets", sha256=digest)
    data = to_data(run_audit(bundle, parse_period("2026-09"), catalogue=catalogue, contract=contract))
    docs = {d["path"]: d for d in data["bundle"]["documents"]}
    assert docs["tickets.jsonl"]["sha256"] == digest
    assert sorted(docs) == sorted(d["path"] for d in manifest["documents"])
    assert all(len(d["sha256"]) == 64 for d in docs.values())
    assert data["tool"].startswith("slacheck ") and "rules sha256:" in data["tool"]
    assert data["contract"]["sha256"] == hashlib.sha256(Path(contract.source).read_bytes()).hexdigest() \
        if Path(str(contract.source)).is_file() else len(data["contract"]["sha256"]) == 64
    with (bundle / "tickets.jsonl").open("ab") as fh:
        fh.write(b"\n")
    with pytest.raises(EvidenceError) as info:
        load_bundle(bundle)
    assert str(info.value).startswith(f"signed/tickets.jsonl: SHA-256 mismatch: the manifest says {digest}, the file is ")
    json.dumps(data)
