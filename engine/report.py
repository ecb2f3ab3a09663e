"""Render audit data to Markdown with Jinja templates (built-in, or a user's folder in Jinja's sandbox).

Templates get the serialised audit data (``engine.serialize``) and the labels of one language; they only
format and escape. Text from evidence goes through ``md``/``code`` so a ticket title cannot break a table or
inject markup or links.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import resources
from .yamlio import load_yaml

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")
BREACH_CAP = 20
LANGUAGES = ("nl", "en")


def md_escape(value: Any) -> str:
    """Escape Markdown and HTML specials and fold newlines, for text inside a paragraph or a table cell."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("\\<", "&lt;").replace("\\>", "&gt;")
    return "\\" + text if text[:1] in ("#", "+", "-", "!", "=") else text


def code_escape(value: Any) -> str:
    """Text inside a backtick span: no backticks or newlines can end it early."""
    return ("" if value is None else str(value)).replace("`", "'").replace("\n", " ").replace("|", "¦")


def fmt_num(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text} %" if unit == "%" else (f"{text} {unit}" if unit and unit not in ("tickets",) else text)


def labels(lang: str) -> dict[str, str]:
    return load_yaml(resources.templates_dir() / "labels.yaml")[lang]


def environment(template_dir: Path | None = None) -> jinja2.Environment:
    """Built-in templates, or a user's folder first (sandboxed) with the built-ins as fallback."""
    builtin = jinja2.FileSystemLoader(str(resources.templates_dir()))
    if template_dir:
        env: jinja2.Environment = SandboxedEnvironment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(template_dir)), builtin]),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    else:
        env = jinja2.Environment(loader=builtin, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                 autoescape=False)
    env.filters.update(md=md_escape, code=code_escape, num=fmt_num)
    return env


def render_report(data: dict[str, Any], lang: str = "nl", template_dir: Path | None = None,
                  template: str = "report.md.j2") -> str:
    env = environment(template_dir)
    names = {r["id"]: r["name_nl"] if lang == "nl" else r["title"] for r in data["rules"]}
    by_goal: dict[str, list] = {}
    for x in data["results"]:
        by_goal.setdefault(x["goal"], []).append(x)
    text = env.get_template(template).render(
        d=data, t=labels(lang), lang=lang, breach_cap=BREACH_CAP,
        rule_name=lambda rid: names.get(rid, rid), results_for_goal=lambda gid: by_goal.get(gid, []))
    return re.sub(r"\n{3,}", "\n\n", text)
