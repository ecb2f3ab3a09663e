"""The synthetic bundle generator: deterministic, in proportion, valid against the schemas, and audited to a
mix of PASS and FAIL (NO-DATA only for rules whose evidence kind has no generator yet)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from engine.audit import run_audit
from engine.bundle import known_kinds, load_bundle
from engine.cli import build_cli
from engine.errors import InputError
from engine.generate import generate_bundle
from engine.generate._common import GenContext
from engine.model import Status
from engine.periods import parse_period

N, SEED = 2000, 11
COVERED = {"tickets", "vulnerabilities", "security_exceptions", "patch_states", "changes", "standard_change_catalogue",
           "handover_docs", "backup_runs", "restore_tests", "lifecycle_register", "lifecycle_reviews", "rcas",
           "major_incident_comms", "satisfaction_surveys", "improvement_register", "sustainability_statements",
           "security_incidents", "outages", "workplace_requests", "device_compliance"}


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "bundle"
    generate_bundle(out, N, SEED)
    return out


def test_same_size_and_seed_give_byte_identical_files(bundle, tmp_path):
    again = tmp_path / "again"
    generate_bundle(again, N, SEED)
    assert _digests(again) == _digests(bundle)
    other = tmp_path / "other"
    generate_bundle(other, N, SEED + 1)
    assert _digests(other)["tickets.jsonl"] != _digests(bundle)["tickets.jsonl"]


def test_manifest_lists_every_covered_kind_with_its_digest_and_counts_in_proportion(bundle):
    manifest = yaml.safe_load((bundle / "manifest.yaml").read_text())
    kinds = [d["kind"] for d in manifest["documents"]]
    assert set(kinds) == COVERED & set(known_kinds())
    assert kinds[0] == "tickets"  # written first: later families refer to it
    for d in manifest["documents"]:
        assert d["sha256"] == hashlib.sha256((bundle / d["path"]).read_bytes()).hexdigest()
        assert d["format"] == "jsonl"
    assert manifest["exported_at"] == "2027-01-04T07:00:00+01:00"
    lines = {d["kind"]: sum(1 for _ in open(bundle / d["path"], "rb")) for d in manifest["documents"]}
    assert lines["tickets"] == N
    assert lines.get("vulnerabilities") == 200  # 100k per 1M tickets
    assert lines.get("patch_states") == 12 * (100 + 4 + 2)  # monthly, per endpoint, network device, management sw
    assert lines.get("device_compliance", 1200) == 12 * 100  # a month-end snapshot per device
    assert lines.get("backup_runs", 1460) == 4 * 365  # daily per job


def test_proportions_at_a_million_tickets():
    ctx = GenContext(tickets=1_000_000, seed=1)
    assert (ctx.scaled(100_000), ctx.n_assets, ctx.n_devices, ctx.scaled(15_000)) == (100_000, 20_000, 50_000, 15_000)
    assert GenContext(tickets=10, seed=1).n_assets == 12  # small bundles keep a floor


def test_iso_timestamps_are_exact_across_dst_changes():
    ctx = GenContext(tickets=10, seed=1)
    tz = ZoneInfo("Europe/Amsterdam")
    edges = [int(datetime(2026, 3, 29, 1, tzinfo=timezone.utc).timestamp()),
             int(datetime(2026, 10, 25, 1, tzinfo=timezone.utc).timestamp())]
    instants = np.concatenate([np.arange(e - 7200, e + 7200, 61) for e in edges] +
                              [np.random.default_rng(5).integers(ctx.year_start, ctx.year_end, 2000)])
    expected = [datetime.fromtimestamp(int(t), tz).isoformat() for t in instants]
    assert ctx.iso(instants) == expected
    assert ctx.iso(np.array([-(2 ** 63)], dtype=np.int64)) == [None]  # NAT


def test_generated_bundle_is_valid_evidence(bundle):
    result = CliRunner().invoke(build_cli(), ["evidence", "check", str(bundle)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "valid (" in result.output


def test_audit_of_a_generated_year_gives_pass_and_fail(bundle, catalogue, contract):
    loaded = load_bundle(bundle)
    result = run_audit(loaded, parse_period("2026"), catalogue=catalogue, contract=contract)
    statuses = {r.status for r in result.results}
    assert Status.PASS in statuses and Status.FAIL in statuses
    assert Status.ERROR not in statuses, [(r.rule_id, r.period, r.message) for r in result.results if r.status is Status.ERROR]
    generated = set(loaded.tables)
    for r in result.results:  # NO-DATA only where an evidence kind has no generator
        if r.status is Status.NO_DATA:
            assert set(catalogue.rules[r.rule_id].evidence) - generated, (r.rule_id, r.period, r.message)
    assert result.exit_code == 1


def test_refuses_a_non_empty_folder_unless_forced(bundle, tmp_path):
    target = tmp_path / "t"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="not empty"):
        generate_bundle(target, 10, 1)
    assert (target / "keep.txt").exists()
    generate_bundle(target, 10, 1, force=True)
    assert not (target / "keep.txt").exists() and (target / "manifest.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_cli_generate(tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli"
    result = runner.invoke(build_cli(), ["sample", "generate", str(out), "--tickets", "50", "--seed", "3"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sum(1 for _ in open(out / "tickets.jsonl", "rb")) == 50
    again = runner.invoke(build_cli(), ["sample", "generate", str(out), "--tickets", "50"], catch_exceptions=False)
    assert again.exit_code == 2 and "not empty" in again.output
