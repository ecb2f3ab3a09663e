"""The same bundle, period and settings give byte-identical Markdown and JSON, in one process and across
processes with different hash seeds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from engine.audit import run_audit
from engine.periods import parse_period
from engine.report import render_report
from engine.serialize import to_data, to_json

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "evidence" / "sample" / "bundle"


def test_two_runs_in_one_process_are_byte_identical(catalogue, contract):
    outputs = []
    for _ in range(2):
        r = run_audit(SAMPLE, parse_period("2026-Q3"), catalogue=catalogue, contract=contract)
        outputs.append((to_json(r).encode(), render_report(to_data(r), "nl").encode(),
                        render_report(to_data(r), "en").encode()))
    assert outputs[0] == outputs[1]
    assert b'"sha256"' in outputs[0][0]


def test_runs_with_different_hash_seeds_are_byte_identical(tmp_path):
    results = []
    for seed in ("1", "4242"):
        out = tmp_path / f"seed{seed}"
        proc = subprocess.run([sys.executable, "-m", "engine.cli", "audit", "--sample", "--period", "2026-Q3",
                               "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
        assert proc.returncode in (0, 1), proc.stderr
        results.append(((out / "report.md").read_bytes(), (out / "report.json").read_bytes()))
    assert results[0] == results[1]
    assert len(results[0][0]) > 1000


def test_stage_timings_are_reported_and_change_nothing(catalogue, contract):
    """The benchmarks' stopwatch: every stage is timed when asked, and the result is the same as without it."""
    from engine.bundle import load_bundle

    load_timings: dict[str, float] = {}
    audit_timings: dict[str, float] = {}
    timed = run_audit(load_bundle(SAMPLE, timings=load_timings), parse_period("2026-Q3"), catalogue=catalogue,
                      contract=contract, timings=audit_timings)
    plain = run_audit(load_bundle(SAMPLE), parse_period("2026-Q3"), catalogue=catalogue, contract=contract)
    assert sorted(load_timings) == ["cross-record", "records"]
    assert sorted(audit_timings) == ["judge", "load", "measure", "setup"]
    assert all(v >= 0 for v in [*load_timings.values(), *audit_timings.values()])
    assert to_json(timed) == to_json(plain)
