"""Compiled templates are kept between runs (Jinja's bytecode cache) and can never change or fail a report."""
from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from engine import report
from engine.audit import run_audit
from engine.cli import _as_of
from engine.periods import parse_period
from engine.report import CACHE_ENV, bytecode_cache, render_report
from engine.serialize import to_data
from golden import golden_bundle as gb


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    bundle = gb.build(tmp_path_factory.mktemp("g"))
    return to_data(run_audit(bundle, parse_period(gb.PERIOD), as_of=_as_of(gb.AS_OF), contract=gb.contract(),
                             catalogue=gb.catalogue()))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of this test's own, and a built-in environment made afresh before and after."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    report._builtin_environment.cache_clear()
    yield tmp_path / "cache"
    report._builtin_environment.cache_clear()


def entries(root):
    return sorted(root.rglob("*.cache"))


def folder(kind):
    env = report._environment(None if kind == "builtin" else Path("."))
    return f"jinja-{jinja2.__version__}-{kind}-{report._compiled_with(env)}"


def test_a_second_run_renders_from_the_cache_without_compiling(data, cache, monkeypatch):
    cold = render_report(data, "nl")
    kept = entries(cache)
    assert kept and {p.parent.name for p in kept} == {folder("builtin")}
    assert all(p.read_bytes().startswith(bc_magic) for p in kept)

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled although the cache holds the template")

    report._builtin_environment.cache_clear()  # as a new process would
    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert render_report(data, "nl") == cold


def test_an_edited_template_is_compiled_afresh(data, cache, tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "report.md.j2").write_text("A {{ d.period.label }}\n", encoding="utf-8")
    assert render_report(data, "nl", own) == "A 2026\n"
    (own / "report.md.j2").write_text("B {{ d.period.label }}\n", encoding="utf-8")  # same size, same second
    assert render_report(data, "nl", own) == "B 2026\n"
    # the sandbox compiles the same source to other code: its entries are kept apart from the built-ins'
    assert {p.parent.name for p in entries(cache)} == {folder("sandbox")}


@pytest.mark.parametrize("damage", [
    lambda good: b"",  # emptied
    lambda good: bc_magic + b"\x80garbage",  # Jinja's header, then no valid checksum
    lambda good: good[: len(good) // 2],  # cut short inside the code
    lambda good: good[:-1] + b"\xff",
], ids=["empty", "bad-checksum", "cut-short", "last-byte"])
def test_a_damaged_entry_is_compiled_afresh_and_replaced(data, cache, damage):
    cold = render_report(data, "nl")
    for p in entries(cache):
        p.write_bytes(damage(p.read_bytes()))
    report._builtin_environment.cache_clear()
    assert render_report(data, "nl") == cold
    assert all(p.read_bytes().startswith(bc_magic) and len(p.read_bytes()) > 100 for p in entries(cache))


def test_a_cache_that_cannot_be_written_is_no_cache(data, cache, monkeypatch):
    cold = render_report(data, "nl")
    for p in entries(cache):
        p.unlink()
    report._builtin_environment.cache_clear()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", full_disk)
    assert render_report(data, "nl") == cold
    assert entries(cache) == []


def test_where_the_cache_is(tmp_path, monkeypatch):
    env = report._environment(None)
    monkeypatch.setenv(CACHE_ENV, "")
    assert bytecode_cache(env) is None  # set but empty: no cache
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "file" / "cache"))
    assert bytecode_cache(env) is None  # cannot be made: none
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert bytecode_cache(env).directory == str(tmp_path / "xdg" / "slacheck" / folder("builtin"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert bytecode_cache(report._environment(tmp_path)).directory == str(tmp_path / "home" / ".cache" / "slacheck"
                                                                           / folder("sandbox"))
    monkeypatch.delenv("HOME")
    monkeypatch.setattr(report.os.path, "expanduser", lambda path: path)  # no home folder at all
    assert bytecode_cache(env) is None  # never a folder named "~" in the working directory


def test_code_compiled_for_other_filters_is_never_used(cache, tmp_path):
    """Jinja decides when compiling whether a filter gets the context; an older slacheck whose ``num`` took none
    left code that would call today's ``num`` without it (found after an upgrade: a TypeError in every report)."""
    (tmp_path / "t.j2").write_text("{{ 2.5 | num('%') }}\n", encoding="utf-8")

    def build(num):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), keep_trailing_newline=True)
        env.filters["num"] = num
        env.bytecode_cache = bytecode_cache(env)
        return env

    plain = build(lambda value, unit="": f"{value} {unit}")
    assert plain.get_template("t.j2").render() == "2.5 %\n"
    in_context = build(jinja2.pass_context(lambda ctx, value, unit="": f"{value}{unit} ({ctx.name})"))
    assert in_context.get_template("t.j2").render() == "2.5% (t.j2)\n"
    assert len({p.parent for p in entries(cache)}) == 2
