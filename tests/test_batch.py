"""Multi-bundle batches: every bundle audited in its own worker process, outputs in input order and identical to
auditing each bundle alone, the worst exit code wins, and one bad bundle makes the batch bad input."""
from __future__ import annotations

import json

import pytest

from engine.batch import (BatchJob, BatchOutcome, all_files, audit_one, combined_text, output_dirs, raise_problems,
                          run_batch, worst_exit_code)
from engine.cli import sample_bundle
from engine.errors import InputError
from engine.generate import generate_bundle


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "small"
    generate_bundle(out, 300, 5)
    return out


def test_parallel_batch_matches_single_audits_in_input_order(small):
    sample = str(sample_bundle())
    jobs = [BatchJob(str(small), "2026-Q3", fmt="json"), BatchJob(sample, "2026-Q3", fmt="json"),
            BatchJob(str(small), "2026-Q3", fmt="json")]
    alone = [audit_one(j) for j in jobs]
    parallel = run_batch(jobs, workers=2)
    assert [o.bundle for o in parallel] == [str(small), sample, str(small)]
    assert [o.text for o in parallel] == [o.text for o in alone]
    assert [o.exit_code for o in parallel] == [o.exit_code for o in alone]
    assert parallel[0].text == parallel[2].text
    assert json.loads(parallel[1].text)["bundle"] != json.loads(parallel[0].text)["bundle"]
    combined = json.loads(combined_text(parallel, "json"))
    assert combined == [json.loads(o.text) for o in alone]
    assert combined_text(parallel, "md") == combined_text(alone, "md")


def test_bad_bundle_is_located_and_makes_the_batch_bad_input(tmp_path, small):
    missing = tmp_path / "nope"
    outcomes = run_batch([BatchJob(str(small), "2026-Q3"), BatchJob(str(missing), "2026-Q3")], workers=2)
    assert [o.exit_code for o in outcomes] == [outcomes[0].exit_code, 2]
    assert outcomes[0].exit_code in (0, 1) and outcomes[0].text
    assert worst_exit_code(outcomes) == 2
    assert [str(p) for p in outcomes[1].problems] == [f"{missing}: is not a folder (an evidence bundle is a folder with a manifest)"]
    with pytest.raises(InputError) as exc:
        raise_problems(outcomes)
    assert str(missing) in str(exc.value)


def test_worst_exit_code_wins():
    mk = lambda code: BatchOutcome("b", code)  # noqa: E731
    assert worst_exit_code([mk(0), mk(1), mk(0)]) == 1
    assert worst_exit_code([mk(1), mk(3), mk(2)]) == 3
    assert worst_exit_code([]) == 0


def test_out_folders_are_unique_per_bundle_and_written_files_come_back(tmp_path, small):
    dirs = output_dirs([small, "x/small", "y/other", small], tmp_path)
    assert [d.name for d in dirs] == ["small", "small-2", "other", "small-3"]
    outcome = audit_one(BatchJob(str(small), "2026-Q3", out=str(dirs[0])))
    files = all_files([outcome])
    assert {p.name for p in files if p.parent == dirs[0]} == {"report.md", "report.json"}
    assert outcome.text is None
