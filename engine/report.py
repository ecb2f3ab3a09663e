"""Render audit data to Markdown with Jinja templates (built-in, or a user's folder in Jinja's sandbox).

Templates get the serialised audit data (``engine.serialize``) and the labels of one language; they only
format and escape. Text from evidence goes through ``md``/``code`` so a ticket title cannot break a table or
inject markup or links.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2.bccache import Bucket
from jinja2.sandbox import SandboxedEnvironment

from . import details, reasons, resources
from .errors import InputError, Problem
from .operators import OPERATORS
from .yamlio import load_yaml

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~@])")
# bare links GFM would turn into anchors: "https://…", "www.…"; a backslash splits the text node they need
_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?<=\bwww)\.", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"(\d+)([.)])")
BREACH_CAP = 20
LANGUAGES = ("nl", "en")


def md_escape(value: Any) -> str:
    """Escape Markdown and HTML specials and fold newlines, for text inside a paragraph or a table cell: no table
    break (``|``), code span, emphasis, link (``[x](y)``, ``<…>``, bare ``https://``/``www.``/e-mail) or HTML tag."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("\r", " ").replace("\n", " ")
    if _MD_SPECIAL.search(text):  # (the checks before each substitution spare most texts the substitutions)
        text = _MD_SPECIAL.sub(r"\\\1", text).replace("\\<", "&lt;").replace("\\>", "&gt;")
    if "://" in text or "www." in text.lower():
        text = _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)
    if _LIST_NUMBER.match(text):  # "1. " at the start of a line would open a list
        text = _LIST_NUMBER.sub(r"\1\\\2", text, count=1)
    return "\\" + text if text[:1] in ("#", "+", "-", "!", "=") else text


def code_escape(value: Any) -> str:
    """Text inside a backtick span: no backticks or newlines can end it early."""
    return ("" if value is None else str(value)).replace("`", "'").replace("\r", " ").replace("\n", " ").replace("|", "¦")


def fmt_num(value: Any, unit: str = "", lang: str | None = None, digits: int = 2) -> str:
    """A figure with its unit, for people: at most ``digits`` decimals (more where a bound must show exactly,
    e.g. 99.475 %). With ``lang``: the unit in that language's words, singular or plural (``labels.yaml``
    ``units``; an unknown unit as given), and in Dutch a decimal comma as the annex writes ("99,5%"). Without
    (the English change-control documents): decimal point and the unit identifier. Only text changes: the JSON
    keeps the numbers."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if lang is None:
        return f"{text} %" if unit == "%" else (f"{text} {unit}" if unit and unit not in ("tickets",) else text)
    if lang == "nl":
        text = details.decimal_comma(text)
    if not unit:
        return text
    forms = _unit_words(lang).get(unit)
    return f"{text} {plural(forms, value) if forms else md_escape(unit)}"


@functools.lru_cache(maxsize=4)
def _unit_words(lang: str) -> dict[str, dict[str, str]]:
    """The unit words of one language (read-only; looked up for every figure of a report)."""
    return _labels_file(resources.templates_dir() / "labels.yaml")[lang]["units"]


def plural(forms: dict[str, str], n: Any) -> str:
    """``forms["one"]`` for exactly one, else ``forms["other"]`` (Dutch and English: "1 test", "0 tests")."""
    return forms["one"] if n == 1 else forms["other"]


def say(label: str | dict[str, str], lang: str, **figures: Any) -> str:
    """A label sentence filled with figures. A label with forms names the figure that decides singular or
    plural (``count``); numbers are written as ``fmt_num`` writes them in that language."""
    if isinstance(label, dict):
        label = plural(label, figures[label["count"]])
    return label.format(**{k: fmt_num(v, "", lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                           for k, v in figures.items()})


def fmt_op(op: str) -> str:
    """A norm's comparison as the annex writes it: ≥, ≤ (the rule files' ``>=``/``<=`` are identifiers)."""
    known = OPERATORS.get(op)
    return known.shown if known is not None and known.shown else md_escape(op)


@jinja2.pass_context
def _num_filter(ctx: Any, value: Any, unit: str = "", digits: int = 2) -> str:
    """``num``: the render's ``number_lang`` (the report gives its language; change control gives Dutch only)."""
    return fmt_num(value, unit, ctx.get("number_lang"), digits)


@jinja2.pass_context
def _origin_filter(ctx: Any, origin: Any) -> str:
    """``origin``: where a norm in force comes from (``annex``, ``tender``, ``register:<id>``) in the report's
    words (labels ``origin``); an origin without a label is shown as it is."""
    return md_escape(_origin_in(ctx.get("t", {}).get("origin", {}), origin))


def origin_words(origin: Any, lang: str) -> str:
    """Where a norm in force comes from, in the words of ``lang`` as the report names it ("inschrijving",
    "normregister CR-1"), for output rendered without a template (``slacheck explain``); unescaped."""
    return _origin_in(_labels_file(resources.templates_dir() / "labels.yaml")[lang]["origin"], origin)


def _origin_in(words: dict[str, str], origin: Any) -> str:
    text = str(origin)
    kind, sep, entry = text.partition(":")
    if sep and kind in words:
        return words[kind].format(id=entry)
    return words.get(text, text)


def fmt_limit_in(op: str, limit: float, unit: str, lang: str) -> str:
    """A per-record limit for people: in English as a breach states it (``fmt_limit``: "≤ 4 h (business)"), in
    Dutch with the report's unit words and decimal comma ("≤ 4 werkuren", "≤ 1 werkuur", "≤ 0,5 uur")."""
    if lang != "nl":
        from .measures.common import fmt_limit  # (numpy and Arrow: not for the change-control commands)

        return fmt_limit(op, limit, unit)
    return f"{fmt_op(op)} {fmt_num(float(limit), unit, lang)}"


def labels(lang: str) -> dict[str, Any]:
    """The labels of one language: a fresh copy (a template may change what it is given), parsed once."""
    return copy.deepcopy(_labels_file(resources.templates_dir() / "labels.yaml")[lang])


@functools.lru_cache(maxsize=4)
def _labels_file(path: Path) -> dict[str, Any]:
    return load_yaml(path)


def environment(template_dir: Path | None = None) -> jinja2.Environment:
    """Built-in templates, or a user's folder first (sandboxed) with the built-ins as fallback.

    The built-in environment is made once per process, so each template is compiled once (compiling took longer
    than rendering); Jinja still reloads a template whose file changed."""
    if template_dir is None:
        return _builtin_environment()
    return _environment(template_dir)


@functools.lru_cache(maxsize=1)
def _builtin_environment() -> jinja2.Environment:
    return _environment(None)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _DataEnvironment(jinja2.Environment):
    """The built-in templates' environment. ``x.rule`` on the audit data (plain dicts) looks the key up first:
    Jinja tries the attribute first, and for a dict key that attempt raises and catches an AttributeError (~20,000
    times in a year report). A name that is a dict attribute (``items``, ``values``…) or a missing key takes
    Jinja's own path, so every lookup gives what it gave before."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


CACHE_ENV = "SLACHECK_CACHE_DIR"


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, made unable to fail a run: an entry that cannot be read (cut short, not Jinja's) is
    compiled afresh, and one that cannot be written (a full disk, a read-only folder) is simply not kept."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # pickle and marshal raise many kinds for a damaged file
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def bytecode_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling the report template takes ~50 ms, longer than rendering the
    report of a 10k-ticket year. Jinja checks each template's source checksum and the Python version, so an edited
    template compiles afresh; everything else compiled code depends on names the folder: the Jinja version, the
    environment (the sandbox compiles the same source to other code) and its filters and tests with what each is
    passed (Jinja decides when compiling whether a filter gets the context: code compiled for an older
    slacheck's filters would call the new ones wrongly). The folder is under ``$SLACHECK_CACHE_DIR`` (set but
    empty: no cache), else ``$XDG_CACHE_HOME/slacheck`` or ``~/.cache/slacheck``. A cache is only a speed-up: a
    folder that cannot be made means none."""
    root = os.environ.get(CACHE_ENV)
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        root = "" if base.startswith("~") else os.path.join(base, "slacheck")  # no home folder: no cache
    if not root:
        return None
    kind = "sandbox" if isinstance(env, SandboxedEnvironment) else "builtin"
    folder = os.path.join(root, f"jinja-{jinja2.__version__}-{kind}-{_compiled_with(env)}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(folder)


def _compiled_with(env: jinja2.Environment) -> str:
    """A short digest of what compiled code depends on besides the source: the environment's class and options,
    and each filter and test with the argument Jinja passes it (context, environment, eval context or none)."""
    parts = [type(env).__qualname__, repr(env.autoescape), repr(env.keep_trailing_newline), env.undefined.__name__]
    for table in (env.filters, env.tests):
        parts += [f"{name}:{getattr(func, 'jinja_pass_arg', '')}" for name, func in sorted(table.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _environment(template_dir: Path | None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(resources.templates_dir()))
    if template_dir:
        env: jinja2.Environment = SandboxedEnvironment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(template_dir)), builtin]),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    else:
        env = _DataEnvironment(loader=builtin, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                               autoescape=False)
    env.filters.update(md=md_escape, code=code_escape, num=_num_filter, op=fmt_op, origin=_origin_filter)
    env.bytecode_cache = bytecode_cache(env)  # once the filters are known: the cache's folder depends on them
    return env


def _signal_text(t: dict[str, Any], lang: str) -> Callable[[dict[str, Any]], str]:
    """The sentence for one serialised signal, from the labels (the figures come computed from the data)."""
    def text(sig: dict[str, Any]) -> str:
        figures = dict(sig["figures"])
        if "margin_unit" in figures:
            figures["margin_unit"] = plural(t["units"][figures["margin_unit"]], figures["margin"])
        return say(t["signal_text"][sig["kind"]], lang, rule=sig["rule"] or sig["goal"], **figures)
    return text


_PLACE = re.compile(r"^(.*): (line|record) (\d+)$", re.DOTALL)


def place(source: str, words: dict[str, str]) -> str:
    """Where a record is in its file, as the loader wrote it ("bundle/tickets.jsonl: line 472", "…: record 3"),
    with the word before the number in the report's language (labels ``places``); any other text as it is."""
    m = _PLACE.match(source)
    return f"{m.group(1)}: {words.get(m.group(2), m.group(2))} {m.group(3)}" if m else source


def _why(x: dict[str, Any], lang: str) -> str:
    """A result's message in the report's language: its reason codes worded, or the message as the engine wrote
    it (an ERROR's exception text has no code)."""
    return reasons.from_data(x["reasons"], lang) if x.get("reasons") else x["message"]


def render_report(data: dict[str, Any], lang: str = "nl", template_dir: Path | None = None,
                  template: str = "report.md.j2", link_charts: bool = False) -> str:
    """Markdown from the audit data. ``link_charts``: the SVG charts are written next to it (``--out``)."""
    if lang not in LANGUAGES:
        raise InputError(Problem("--lang", f"{lang!r} is not a report language (known: {', '.join(LANGUAGES)})"))
    env = environment(template_dir)
    t = labels(lang)
    names = {r["id"]: r["name_nl"] if lang == "nl" else r["title"] for r in data["rules"]}
    by_goal: dict[str, list] = {}
    for x in data["results"]:
        by_goal.setdefault(x["goal"], []).append(x)
    for rows in by_goal.values():  # per KPI: its periods, then the aggregate view, then "not due" markers
        rows.sort(key=lambda x: x["rule"])
    signals_by_goal: dict[str, list] = {}
    for sig in data["signals"]["items"]:
        signals_by_goal.setdefault(sig["goal"], []).append(sig)
    text = env.get_template(template).render(
        d=data, t=t, lang=lang, number_lang=lang, breach_cap=BREACH_CAP, link_charts=link_charts,
        rule_name=lambda rid: names.get(rid, rid), results_for_goal=lambda gid: by_goal.get(gid, []),
        signals_for_goal=lambda gid: signals_by_goal.get(gid, []), signal_text=_signal_text(t, lang),
        say=lambda label, **figures: say(label, lang, **figures), why=lambda x: _why(x, lang),
        detail=lambda text: details.word(text, lang, t["units"]), place=lambda text: place(text, t["places"]))
    return re.sub(r"\n{3,}", "\n\n", text)


def render_agenda(data: dict[str, Any], lang: str = "nl", template_dir: Path | None = None) -> str:
    """The agendas alone (``slacheck agenda``), from the same audit data."""
    return render_report(data, lang, template_dir, template="agenda.md.j2")


def report_files(data: dict[str, Any], out_dir: Path, lang: str = "nl", template_dir: Path | None = None,
                 json_text: str | bytes | None = None) -> dict[Path, str | bytes]:
    """Everything ``--out`` writes: report.md, report.json and one SVG per chart the trend tables name.
    ``json_text``: the JSON already written (``to_json_bytes`` spares decoding and encoding it again)."""
    from .charts import trend_svg
    from .serialize import to_json_data

    files: dict[Path, str | bytes] = {out_dir / "report.md": render_report(data, lang, template_dir, link_charts=True),
                              out_dir / "report.json": json_text if json_text is not None else to_json_data(data)}
    names = {r["id"]: r["name_nl"] if lang == "nl" else r["title"] for r in data["rules"]}
    for trend in data["trends"]:
        for row in trend["rows"]:
            if row["chart"]:
                files[out_dir / row["chart"]] = trend_svg(row, trend["periods"], f"{row['rule']} – {names[row['rule']]}")
    return files
