"""Multi-bundle batches: every bundle audited in its own worker process, outputs in input order and identical to
auditing each bundle alone, the worst exit code wins, and one bad bundle makes the batch bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.batch import (BatchJob, BatchOutcome, audit_one, combined_text, output_dirs, raise_problems, run_batch,
                          worst_exit_code)
from engine.cli import sample_bundle
from engine.errors import InputError
from engine.generate import generate_bundle


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "small"
    generate_bundle(out, 300, 5)
    return out


@pytest.fixture(scope="module")
def alone(small):
    """Each bundle audited alone, in this process: what every batch output must equal."""
    return {b: audit_one(BatchJob(b, "2026-Q3", fmt="json")) for b in (str(small), str(sample_bundle()))}


def test_parallel_batch_matches_single_audits_in_input_order(small, alone):
    sample = str(sample_bundle())
    order = [str(small), sample, str(small)]
    parallel = run_batch([BatchJob(b, "2026-Q3", fmt="json") for b in order], workers=2)
    assert [o.bundle for o in parallel] == order
    assert [o.text for o in parallel] == [alone[b].text for b in order]
    assert [o.exit_code for o in parallel] == [alone[b].exit_code for b in order]
    assert json.loads(combined_text(parallel, "json")) == [json.loads(alone[b].text) for b in order]


def test_combined_markdown_keeps_input_order():
    outcomes = [BatchOutcome("a", 0, text="# A\n"), BatchOutcome("b", 1, text="# B\n")]
    assert combined_text(outcomes, "md") == "# A\n\n---\n\n# B\n"


def test_bad_bundles_are_located_and_make_the_batch_bad_input(tmp_path):
    missing = [tmp_path / "nope", tmp_path / "gone"]
    outcomes = run_batch([BatchJob(str(m), "2026-Q3") for m in missing], workers=2)
    assert [o.exit_code for o in outcomes] == [2, 2]
    assert [str(p) for o in outcomes for p in o.problems] == [
        f"{m}: is not a folder (an evidence bundle is a folder with a manifest)" for m in missing]
    assert worst_exit_code(outcomes) == 2
    with pytest.raises(InputError) as exc:
        raise_problems(outcomes)
    assert str(missing[0]) in str(exc.value) and str(missing[1]) in str(exc.value)


def test_worst_exit_code_wins():
    mk = lambda code: BatchOutcome("b", code)  # noqa: E731
    assert worst_exit_code([mk(0), mk(1), mk(0)]) == 1
    assert worst_exit_code([mk(1), mk(3), mk(2)]) == 3
    assert worst_exit_code([]) == 0


def test_out_folders_are_unique_per_bundle():
    dirs = output_dirs(["a/small", "x/small", "y/other", "a/small"], Path("/r"))
    assert [d.name for d in dirs] == ["small", "small-2", "other", "small-3"]


def test_cli_batch_writes_one_folder_per_bundle_atomically(tmp_path, small, alone):
    from engine.batch import run_cli_batch

    out = tmp_path / "reports"
    text, to_stderr, code = run_cli_batch([small, small], period="2026-Q3", out_dir=out, jobs=2)
    assert to_stderr and code == alone[str(small)].exit_code
    assert sorted(p.name for p in out.iterdir()) == ["small", "small-2"]
    assert (out / "small" / "report.json").read_text() == alone[str(small)].text
    assert (out / "small-2" / "report.json").read_text() == alone[str(small)].text
    with pytest.raises(InputError):
        run_cli_batch([tmp_path / "missing"], period="2026-Q3", out_dir=tmp_path / "none", jobs=1)
    assert not (tmp_path / "none").exists()  # bad input: nothing written


def test_cli_batch_replaces_each_bundles_charts(tmp_path):
    """A batch folder reused for a quarter after a year keeps none of the year's charts (nor anything else put in
    charts/): each bundle's charts/ is exactly its run's."""
    from engine.batch import run_cli_batch

    out = tmp_path / "reports"
    run_cli_batch([sample_bundle()], period="2026", out_dir=out, jobs=1)
    assert len(list((out / "bundle" / "charts").iterdir())) == 32
    (out / "bundle" / "charts" / "stale.svg").write_text("<svg/>", encoding="utf-8")
    run_cli_batch([sample_bundle()], period="2026-Q3", out_dir=out, jobs=1)
    assert sorted(p.name for p in (out / "bundle").iterdir()) == ["report.json", "report.md"]


def test_cli_audits_several_bundles_in_parallel_and_exits_with_the_worst_code(tmp_path):
    from click.testing import CliRunner

    from engine.cli import build_cli
    from engine.resources import sample_dir

    sample = str(sample_dir() / "bundle")
    res = CliRunner().invoke(build_cli(), ["audit", sample, sample, "--period", "2026-Q3", "--format", "json",
                                           "--jobs", "2"], catch_exceptions=False)
    assert res.exit_code == 1
    reports = json.loads(res.output)
    assert len(reports) == 2 and reports[0] == reports[1]
    res = CliRunner().invoke(build_cli(), ["audit", sample, str(tmp_path / "missing"), "--period", "2026-Q3"],
                             catch_exceptions=False)
    assert res.exit_code == 2 and "missing" in res.output
