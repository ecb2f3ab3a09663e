"""Reports are written all-or-nothing: a failed or interrupted run leaves the earlier report untouched."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import atomic
from engine.atomic import write_all_atomic, write_atomic
from engine.cli import build_cli

ROOT = Path(__file__).parents[1]


def earlier(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_bytes(b"# earlier report\n")
    (folder / "report.json").write_bytes(b'{"earlier": true}\n')
    return snapshot(folder)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path):
    write_atomic(tmp_path / "a.md", "één")
    write_atomic(tmp_path / "a.md", b"two")
    assert snapshot(tmp_path) == {"a.md": b"two"}


def test_failure_while_writing_keeps_earlier_files(tmp_path, monkeypatch):
    before = earlier(tmp_path)
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_all_atomic({tmp_path / "report.md": "new md", tmp_path / "report.json": "new json"})
    assert snapshot(tmp_path) == before


def test_failure_between_renames_puts_the_first_file_back(tmp_path, monkeypatch):
    before = earlier(tmp_path)
    real = os.replace
    seen = []

    def replace(src, dst):
        seen.append(dst)
        if len(seen) == 2:
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError):
        write_all_atomic({tmp_path / "report.md": "new md", tmp_path / "report.json": "new json"})
    monkeypatch.setattr(atomic.os, "replace", real)
    assert snapshot(tmp_path) == before


@pytest.fixture()
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_files_get_the_mode_of_an_ordinary_write(tmp_path, umask_027):
    """0666 less the umask for a new file (mkstemp alone gives 0600), an existing file keeps its own mode."""
    (tmp_path / "kept.md").write_text("old", encoding="utf-8")
    os.chmod(tmp_path / "kept.md", 0o604)
    write_all_atomic({tmp_path / "report.md": "md", tmp_path / "kept.md": "new",
                      tmp_path / "charts" / "a.svg": "<svg/>"}, folders=[tmp_path / "charts"])
    write_atomic(tmp_path / "contract.yaml", "x: 1\n")
    modes = {p.relative_to(tmp_path).as_posix(): oct(p.stat().st_mode & 0o777) for p in sorted(tmp_path.rglob("*"))}
    assert modes == {"charts": "0o750", "charts/a.svg": "0o640", "contract.yaml": "0o640", "kept.md": "0o604",
                     "report.md": "0o640"}


def test_out_folder_holds_exactly_this_runs_charts(tmp_path, umask_027):
    out = tmp_path / "out"
    run = CliRunner().invoke
    assert run(build_cli(), ["audit", "--sample", "--period", "2026", "--out", str(out)]).exit_code == 1
    (out / "charts" / "stale.svg").write_text("<svg/>", encoding="utf-8")
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert len(charts) == 33 and "T2-rca-timeliness.svg" in charts
    assert {oct(p.stat().st_mode & 0o777) for p in [out / "report.md", out / "report.json", out / "charts",
                                                    *(out / "charts").iterdir()]} == {"0o640", "0o750"}
    assert run(build_cli(), ["audit", "--sample", "--period", "2026", "--out", str(out)]).exit_code == 1
    assert sorted(p.name for p in (out / "charts").iterdir()) == [c for c in charts if c != "stale.svg"]
    assert run(build_cli(), ["audit", "--sample", "--period", "2026-Q3", "--out", str(out)]).exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]  # a quarter has no charts


def test_failure_after_the_charts_moved_puts_them_back(tmp_path, monkeypatch):
    before = earlier(tmp_path)  # report.md, report.json and charts/old.svg of an earlier run
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "old.svg").write_text("old", encoding="utf-8")
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == "report.json":
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError):
        write_all_atomic({tmp_path / "report.md": "new md", tmp_path / "report.json": "new json",
                          tmp_path / "charts" / "new.svg": "new"}, folders=[tmp_path / "charts"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "charts", "charts/old.svg", "report.json", "report.md"]


def test_rendering_that_fails_midway_writes_nothing(tmp_path):
    out = tmp_path / "out"
    before = earlier(out)
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "report.md.j2").write_text("# {{ d.period.label }}\n{% for x in d.results %}{{ x.rule }}\n"
                                            "{% endfor %}{{ d.no_such_field }}\n", encoding="utf-8")
    result = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026-09", "--out", str(out),
                                              "--templates", str(templates)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == ("report.md.j2: line 3: UndefinedError: 'dict object' has no attribute "
                                             "'no_such_field'")
    assert snapshot(out) == before


def test_crash_in_rendering_writes_nothing(tmp_path, monkeypatch):
    import engine.report

    out = tmp_path / "out"
    before = earlier(out)

    def half(*args, **kwargs):
        raise MemoryError("simulated failure halfway through rendering")

    monkeypatch.setattr(engine.report, "render_report", half)
    result = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026-09", "--out", str(out)])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert snapshot(out) == before


SLOW_WRITER = """
import os, sys, time, pathlib
flag = pathlib.Path(sys.argv[1])
real = os.fsync
def slow(fd):
    flag.write_text("writing")
    time.sleep(60)
os.fsync = slow
from engine.cli import main
sys.argv = ["slacheck", "audit", "--sample", "--period", "2026-09", "--out", sys.argv[2]]
main()
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_process_leaves_earlier_report(tmp_path, sig):
    out = tmp_path / "out"
    before = earlier(out)
    flag = tmp_path / "flag"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(flag), str(out)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not flag.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert flag.exists(), proc.stderr.read() if proc.poll() is not None else "writer never started"
    proc.send_signal(sig)
    proc.wait(timeout=30)
    stderr = proc.stderr.read()
    visible = {k: v for k, v in snapshot(out).items() if not k.startswith(".")}
    assert visible == before
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in stderr
        assert snapshot(out) == before  # no temporary left behind either
    else:  # a hard kill cannot clean up: at most a hidden temporary, never a partial report
        assert all(k.startswith(".report.") and k.endswith(".tmp") for k in snapshot(out) if k.startswith("."))
