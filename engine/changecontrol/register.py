"""The norm register in the contract settings: an append-only, effective-dated log of agreed changes.

``entry_for`` turns a valid request into an entry; ``append_entry`` adds it to the contract file's text (earlier
entries and every other section stay byte for byte as they were, comments included) and ``register_problems``
finds what a hand edit can break: duplicate ids, a date off a quarter boundary, an entry agreed before the one
above it (out of order), an effective date before the agreement, two entries setting the same clause on the same
day, an unknown rule or clause, and an entry that does not match its request file (missing, edited since, or
values that differ from it).
"""
from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..errors import ChangeRequestError, InputError, Problem
from ..yamlio import load_yaml_text

QUARTER_MONTHS = (1, 4, 7, 10)


def is_quarter_boundary(day: date) -> bool:
    return day.day == 1 and day.month in QUARTER_MONTHS


def clause_keys(entry: Mapping[str, Any]) -> list[tuple[Any, str, str]]:
    """(rule, clause, effective date) of every clause a register entry sets: two entries with one key leave
    ambiguous which norm applies from that date."""
    return [(entry.get("rule"), cid, str(entry.get("effective_from"))) for cid in entry.get("clauses") or {}]


def consent_dates(approvals: list[Mapping[str, Any]]) -> tuple[date | None, date | None]:
    """(latest approval date, latest date of the governance meetings the approvals cite): consent is given "via de
    governance-cadans", so it exists once both have signed and the meeting has been held."""
    signed = [date.fromisoformat(str(a["date"])) for a in approvals if a.get("date")]
    met = [date.fromisoformat(str(a["meeting"]["date"])) for a in approvals
           if isinstance(a.get("meeting"), Mapping) and a["meeting"].get("date")]
    return (max(signed) if signed else None), (max(met) if met else None)


def request_values(request: Mapping[str, Any], goal: Any) -> dict[str, Any]:
    """What a register entry records from its request (``goal``: the request's, else its rule's), in entry order."""
    signed, met = consent_dates([a for a in request.get("approvals") or [] if isinstance(a, Mapping)])
    entry: dict[str, Any] = {"id": request.get("id"), "change": request.get("change"), "rule": request.get("rule")}
    if request.get("replaces"):
        entry["replaces"] = request["replaces"]
    entry["goal"] = goal
    entry["effective_from"] = request.get("effective_from")
    if request.get("clauses"):
        entry["clauses"] = {cid: dict(v) for cid, v in request["clauses"].items()}
    entry["agreed_on"] = max(d for d in (signed, met) if d).isoformat() if signed else None  # the consent date
    entry["contract_file_reference"] = request.get("contract_file_reference")
    return entry


def entry_for(verdict: Any, request: Mapping[str, Any], request_path: Path, contract_path: Path) -> dict[str, Any]:
    """The register entry of a valid request: what changes, from when, agreed when (the consent date: latest
    approval or governance meeting), and the request's SHA-256."""
    try:
        rel = os.path.relpath(Path(request_path).resolve(), Path(contract_path).resolve().parent)
    except ValueError:  # another drive on Windows
        rel = str(Path(request_path).resolve())
    entry = request_values(request, verdict.info["goal"])
    entry["request"] = Path(rel).as_posix()
    entry["request_sha256"] = verdict.sha256
    return entry


_TOP_KEY = re.compile(r"^[^\s#-][^:]*:")


def _block(lines: list[str], key: str) -> tuple[int, int] | None:
    """Line range [start, end) of a top-level key's block (trailing comments/blank lines excluded)."""
    start = next((i for i, ln in enumerate(lines) if ln.startswith(f"{key}:")), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and not _TOP_KEY.match(lines[end]):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


class _Dumper(yaml.SafeDumper):
    """Quotes strings that look like dates, so any YAML reader keeps them strings (engine.yamlio drops the
    timestamp resolver, which also stops PyYAML from quoting them by itself)."""


_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if _DATE_LIKE.match(value) else None)


_Dumper.add_representer(str, _str)


def _dump(value: Any) -> list[str]:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None,
                     width=120).splitlines(True)


def append_entry(text: str, entry: Mapping[str, Any], source: str) -> str:
    """The contract text with ``entry`` appended to ``norm_register`` (created at the end when missing).

    The item is indented like the list's existing items ("- " at the key's column, as PyYAML writes it, or
    indented); a register written in flow style (``[{...}]``) cannot be appended to line by line: a located error.
    """
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    item = _dump([dict(entry)])
    where = _block(lines, "norm_register")
    if where is None:
        return "".join(lines + ["norm_register:\n"] + ["  " + ln for ln in item])
    start, end = where
    head = lines[start].split("#", 1)[0].strip()
    if head.replace(" ", "") in ("norm_register:[]", "norm_register:null", "norm_register:~"):
        return "".join(lines[:start] + ["norm_register:\n"] + ["  " + ln for ln in item] + lines[end:])
    if head != "norm_register:":
        raise ChangeRequestError(Problem(
            source, "norm_register is written in flow style ([...]), which cannot be appended to without rewriting "
            "earlier entries; write it as a block list (one '- id: ...' item per entry, as `change apply` writes it) "
            "and run the command again", record=f"line {start + 1}", field="$.norm_register"))
    indent = next((len(ln) - len(ln.lstrip(" ")) for ln in lines[start + 1:end] if ln.lstrip(" ").startswith("-")), 2)
    return "".join(lines[:end] + [" " * indent + ln for ln in item] + lines[end:])


def replace_block(text: str, key: str, value: Any, comment: str = "") -> str:
    """The contract text with a top-level key's block replaced by ``value`` (added at the end when missing)."""
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    new = ([f"# {comment}\n"] if comment else []) + _dump({key: value})
    where = _block(lines, key)
    if where is None:
        return "".join(lines + new)
    start, end = where
    if comment and start > 0 and lines[start - 1] == f"# {comment}\n":
        start -= 1
    return "".join(lines[:start] + new + lines[end:])


def register_problems(doc: Mapping[str, Any], source: str, base_dir: Path | None, catalogue: Any = None) -> list[Problem]:
    """Every inconsistency of ``doc['norm_register']`` (schema-valid already), located at its entry and field."""
    problems: list[Problem] = []
    entries = doc.get("norm_register") or []
    seen: dict[str, int] = {}
    set_on: dict[tuple[str, str, str], str] = {}
    previous: date | None = None
    for i, e in enumerate(entries):
        where = f"$.norm_register[{i}]"
        rec = f"entry {e.get('id')}"
        add = lambda msg, field, rec=rec: problems.append(Problem(source, msg, record=rec, field=field))  # noqa: E731
        if e["id"] in seen:
            add(f"id {e['id']!r} is also used by entry {seen[e['id']] + 1} (ids must be unique)", where + ".id")
        seen.setdefault(e["id"], i)
        eff = _date(e["effective_from"], add, where + ".effective_from")
        agreed = _date(e["agreed_on"], add, where + ".agreed_on")
        if eff and not is_quarter_boundary(eff):
            add(f"effective_from {eff.isoformat()} is not a quarter boundary (1 January, 1 April, 1 July or 1 October)",
                where + ".effective_from")
        if eff and agreed and eff < agreed:
            add(f"effective_from {eff.isoformat()} lies before the agreement on {agreed.isoformat()} (a change cannot "
                "apply retroactively)", where + ".effective_from")
        if agreed and previous and agreed < previous:
            add(f"out of order: agreed on {agreed.isoformat()}, before the entry above it ({previous.isoformat()}); "
                "the register is append-only, newest agreement last", where + ".agreed_on")
        previous = agreed or previous
        if (e["change"] == "replace_kpi") != bool(e.get("replaces")):
            add("'replaces' belongs to a replace_kpi entry, and a replace_kpi entry needs it", where + ".replaces")
        for key in clause_keys(e):
            rule_id, cid, day = key
            if key in set_on:
                add(f"{rule_id}/{cid} is also set from {day} by entry {set_on[key]}: which applies is ambiguous",
                    f"{where}.clauses.{cid}")
            set_on.setdefault(key, e["id"])
        if catalogue is not None:
            problems.extend(_catalogue_problems(e, where, source, rec, catalogue))
        if base_dir is not None:
            problems.extend(_request_problems(e, where, source, rec, base_dir, catalogue))
    return problems


def _request_problems(e: Mapping[str, Any], where: str, source: str, rec: str, base_dir: Path,
                      catalogue: Any) -> list[Problem]:
    """The entry against its request file (path relative to the contract settings): it must exist, be unchanged
    (SHA-256) and hold the values the entry records. Annex 12a §2.2: a change is "gedocumenteerd in het
    contractdossier"; an entry that cannot be shown to match its signed request is not one."""
    def problem(msg: str, field: str) -> Problem:
        return Problem(source, msg, record=rec, field=f"{where}.{field}")

    unproven = "the entry cannot be shown to match a signed request"
    if not e.get("request"):
        return [problem(f"names no request file: {unproven} (`slacheck change apply` records it)", "request")]
    req = base_dir / e["request"]
    if not req.is_file():
        return [problem(f"request file {e['request']} not found (looked for {os.path.abspath(req)}): {unproven}",
                        "request")]
    raw = req.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != e["request_sha256"]:
        return [problem(f"request file {e['request']} has SHA-256 {actual[:12]}…, the entry recorded "
                        f"{e['request_sha256'][:12]}… (the request was edited after it was recorded)",
                        "request_sha256")]
    try:
        request = load_yaml_text(raw.decode("utf-8-sig"), str(req))
    except (InputError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [problem(f"request file {e['request']} cannot be read as YAML ({str(exc).splitlines()[0]}): {unproven}",
                        "request")]
    if not isinstance(request, Mapping):
        return [problem(f"request file {e['request']} is not a change request (no mapping of fields): {unproven}",
                        "request")]
    rule = catalogue.rules.get(request.get("rule")) if catalogue is not None else None
    want = request_values(request, request.get("goal") or (rule.goal if rule is not None else e.get("goal")))
    out, name = [], e["request"]
    for key in ("id", "change", "rule", "replaces", "goal", "effective_from", "agreed_on", "contract_file_reference"):
        if e.get(key) != want.get(key) and not (key == "goal" and "goal" not in e):  # goal: optional in an entry
            out.append(problem(f"the entry records {_show(e.get(key))}, its request file {name} says "
                               f"{_show(want.get(key))}", key))
    mine, theirs = e.get("clauses") or {}, want.get("clauses") or {}
    for cid in sorted(set(mine) | set(theirs)):
        if mine.get(cid) != theirs.get(cid):
            out.append(problem(f"the entry records {_show(mine.get(cid))}, its request file {name} says "
                               f"{_show(theirs.get(cid))}", f"clauses.{cid}"))
    return out


def _show(value: Any) -> str:
    """A recorded value as the YAML it was written as ("nothing" when missing)."""
    if value is None:
        return "nothing"
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True)
    return text.strip().removesuffix("...").strip()


def _catalogue_problems(e: Mapping[str, Any], where: str, source: str, rec: str, catalogue: Any) -> list[Problem]:
    out = []
    for key in ("rule", "replaces"):
        rid = e.get(key)
        if rid and rid not in catalogue.rules:
            out.append(Problem(source, f"unknown rule {rid!r} (no rule file)", record=rec, field=f"{where}.{key}"))
    rule = catalogue.rules.get(e.get("rule"))
    if rule is not None:
        clauses = {c.id: c for c in rule.norm.clauses}
        for cid, change in (e.get("clauses") or {}).items():
            if cid not in clauses:
                out.append(Problem(source, f"rule {rule.id} has no clause {cid!r} (clauses: {', '.join(clauses)})",
                                   record=rec, field=f"{where}.clauses.{cid}"))
            elif change.get("per_record") and clauses[cid].per_record is None:
                out.append(Problem(source, f"clause {cid!r} of {rule.id} has no per-record limit", record=rec,
                                   field=f"{where}.clauses.{cid}.per_record"))
        if e.get("goal") and e["goal"] != rule.goal:
            out.append(Problem(source, f"rule {rule.id} belongs to goal {rule.goal}, not {e['goal']}", record=rec,
                               field=f"{where}.goal"))
    return out


def _date(text: str, add: Any, field: str) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        add(f"{text!r} is not a calendar date (YYYY-MM-DD)", field)
        return None
