"""Property: randomly corrupted evidence (byte flips, truncation, deleted fields, swapped types) always ends in
exit 0, 1 or 2 with a message, never in a traceback or an internal error."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.cli import build_cli

SAMPLE = Path(__file__).parents[1] / "evidence" / "sample" / "bundle"
DOCS = {"tickets": ("tickets.jsonl", "jsonl"), "vulnerabilities": ("vulnerabilities.jsonl", "jsonl"),
        "patch_states": ("patch-states.jsonl", "jsonl"), "security_exceptions": ("security-exceptions.json", "json")}
SWAPS = [None, 0, -1, 1e300, 10 ** 30, "", "x", "2026-13-45T99:00:00+02:00", "0001-01-01T00:00:00+00:00", True, [], {},
         [1, "a"], {"at": 1}]


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory) -> Path:
    """The sample's four foundation kinds, 25 records each, so one audit takes a fraction of a second."""
    root = tmp_path_factory.mktemp("small") / "bundle"
    root.mkdir()
    lines = ["contract_id: SIB-ICT-BEHEER-2026", "organisation: Stichting ICT Beheer",
             "exported_at: '2026-10-05T07:00:00+02:00'", "documents:"]
    for kind, (name, fmt) in DOCS.items():
        text = (SAMPLE / name).read_text(encoding="utf-8")
        if fmt == "json":
            (root / name).write_text(json.dumps(json.loads(text)[:25], indent=1), encoding="utf-8")
        else:
            (root / name).write_text("\n".join(text.splitlines()[:25]) + "\n", encoding="utf-8")
        lines.append(f"- {{kind: {kind}, path: {name}, format: {fmt}, covers: {{from: '2026-01-01', to: '2026-09-30'}}}}")
    (root / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


corruption = st.one_of(
    st.tuples(st.just("flip"), st.sampled_from(sorted(DOCS) + ["manifest"]), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.sampled_from(sorted(DOCS) + ["manifest"]), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("delete"), st.sampled_from(sorted(DOCS)), st.integers(0, 24), st.integers(0, 30)),
    st.tuples(st.just("swap"), st.sampled_from(sorted(DOCS)), st.integers(0, 24),
              st.tuples(st.integers(0, 30), st.integers(0, len(SWAPS) - 1))),
)


def corrupt(root: Path, how: tuple) -> None:
    op, target, where, arg = how
    path = root / ("manifest.yaml" if target == "manifest" else DOCS[target][0])
    data = path.read_bytes()
    if op in ("flip", "truncate"):
        pos = min(int(where * len(data)), len(data) - 1)
        path.write_bytes(data[:pos] + bytes([arg]) + data[pos + 1:] if op == "flip" else data[:pos])
        return
    try:  # an earlier flip or cut may have made it unparsable: then this corruption is already done
        records = json.loads(data) if DOCS[target][1] == "json" else [json.loads(x) for x in data.splitlines() if x]
        rec = records[where % len(records)]
        keys = sorted(rec)
    except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, AttributeError):
        return
    if not keys:
        return
    if op == "delete":
        del rec[keys[arg % len(keys)]]
    else:
        rec[keys[arg[0] % len(keys)]] = SWAPS[arg[1]]
    text = json.dumps(records) if DOCS[target][1] == "json" else "".join(json.dumps(r) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def cached_settings(catalogue, contract):
    """Rule files and contract settings are not what is corrupted here: load them once, keep the CLI path."""
    import engine.audit

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.audit, "load_catalogue", lambda *a, **k: catalogue)
        mp.setattr(engine.audit, "load_contract", lambda *a, **k: contract)
        yield


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=st.lists(corruption, min_size=1, max_size=3))
def test_corrupted_evidence_never_crashes(small_bundle, cached_settings, tmp_path_factory, how):
    root = tmp_path_factory.mktemp("case") / "bundle"
    shutil.copytree(small_bundle, root)
    for h in how:
        corrupt(root, h)
    result = CliRunner().invoke(build_cli(), ["audit", str(root), "--period", "2026-Q3", "--format", "json"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines[0].startswith("slacheck: ") and len(lines) >= 2 and all(line.strip() for line in lines)
    else:
        assert json.loads(result.stdout)["exit_code"] == result.exit_code
