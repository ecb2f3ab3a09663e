"""The loader parses on every core the process may use; a batch shares the cores among its audits."""
from __future__ import annotations

import json

import pytest

from engine import arrowread, batch, cores
from engine.audit import run_audit
from engine.batch import BatchJob, BatchOutcome, run_batch
from engine.bundle import load_bundle
from engine.generate import generate_bundle
from engine.periods import parse_period
from engine.serialize import to_json


@pytest.fixture
def eight_cores(monkeypatch):
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)


def test_usable_cores_follow_the_affinity_else_the_core_count(monkeypatch, eight_cores):
    assert cores.usable_cores() == 8
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: {3}, raising=False)  # as `taskset -c 3`
    assert cores.usable_cores() == 1
    monkeypatch.delattr(cores.os, "sched_getaffinity", raising=False)  # not on Linux
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 6)
    assert cores.usable_cores() == 6
    monkeypatch.setattr(cores.os, "cpu_count", lambda: None)
    assert cores.usable_cores() == 1


def test_audits_at_once_share_the_cores(eight_cores):
    assert [cores.parsers_per_audit(n) for n in (0, 1, 2, 3, 8, 20)] == [8, 8, 4, 2, 1, 1]


def test_the_read_ahead_keeps_every_parser_busy(eight_cores):
    reader = arrowread.Prefetch([])
    assert (reader._parsers, reader._budget) == (8, 9 * arrowread.BLOCK)  # a block per parser, one for the caller
    reader = arrowread.Prefetch([], parsers=1)
    assert (reader._parsers, reader._budget) == (1, 3 * arrowread.BLOCK)


def test_each_audit_of_a_batch_parses_with_its_share(monkeypatch, eight_cores):
    seen = []
    monkeypatch.setattr(batch, "audit_one", lambda job: seen.append(job.parsers) or BatchOutcome(job.bundle, 0))
    run_batch([BatchJob("a", "2026"), BatchJob("b", "2026", parsers=3)], workers=1)
    assert seen == [8, 3]  # one audit at a time: all cores; a job that says how many keeps it


@pytest.fixture(scope="module")
def multi_block(tmp_path_factory):
    """A bundle whose ticket export spans several read-ahead blocks (the first is 1 MiB)."""
    out = tmp_path_factory.mktemp("cores") / "b"
    generate_bundle(out, 5000, 11)
    assert (out / "tickets.jsonl").stat().st_size > 3 << 20
    return out


@pytest.mark.parametrize("parsers", [1, 3])
def test_the_audit_is_the_same_whatever_the_number_of_parsers(multi_block, parsers):
    def audit(n):
        return to_json(run_audit(load_bundle(multi_block, parsers=n), parse_period("2026")))
    one, many = audit(2), audit(parsers)
    assert one == many and json.loads(one)["bundle"]["documents"][0]["records"] == 5000
