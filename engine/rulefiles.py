"""Load and validate rule files in passes, reporting every problem in every file.

Pass 1, structure: YAML syntax and duplicate keys. Pass 2, schema: ``iter_errors`` over the rule schema, each
error prefixed ``<file>: <json-path>:`` (the file as given; ``rules/…yaml`` for a built-in one). Pass 3,
semantics: the goal exists, the measure is known and its parameters fit it, the metrics exist, the evidence kinds
have schemas, the id equals the file name, and the norm fits its norm status. Only a file that passes all three
becomes a ``Rule``. Pass 4, across files: the other rules whose norms a measure reads (``MeasureDef.norm_refs``)
exist and have the clause; the rule gets them as ``related``.
"""
from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from . import operators, resources
from .errors import InputError, Problem, RuleFileError, json_path, schema_problems
from .goals import GoalSet, load_goals
from .measures.registry import MeasureRegistry
from .model import (AgendaType, Cadence, Clause, MeasureSpec, Meeting, MinimumRequirement, Norm, NormStatus,
                    PerRecordLimit, Rule)
from .yamlio import load_yaml


def _inject(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _inject(v) for k, v in node.items()}
    if isinstance(node, list):
        if node == ["__NORM_OPERATORS__"]:
            return list(operators.NORM_OPERATORS)
        if node == ["__FILTER_OPERATORS__"]:
            return list(operators.FILTER_OPERATORS)
        return [_inject(v) for v in node]
    return node


def rule_schema() -> dict:
    """The rule-file schema with its operator enums taken from ``engine.operators``."""
    raw = json.loads((resources.rules_dir() / "schema" / "rule.schema.json").read_text(encoding="utf-8"))
    return _inject(copy.deepcopy(raw))


@dataclass(frozen=True)
class Catalogue:
    """The rules and goals an audit runs with."""

    rules: dict[str, Rule]
    goals: GoalSet
    root: Path

    def by_goal(self, goal: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.goal == goal]


def rule_files(root: Path) -> list[Path]:
    folder = root / "kpis" if (root / "kpis").is_dir() else root
    return sorted(p for p in folder.glob("*.yaml") if p.name != "goals.yaml")


def _build(doc: dict, source: str) -> Rule:
    clauses = []
    for c in doc["norm"]["clauses"]:
        pr = c.get("per_record")
        clauses.append(Clause(
            id=c["id"], metric=c["metric"], op=c["op"], threshold=c.get("threshold"), unit=c["unit"],
            floor=c.get("floor"), text=c.get("text", ""), needs_cases=c.get("needs_cases", ""),
            per_record=PerRecordLimit(pr["op"], pr["limit"], pr["unit"]) if pr else None,
        ))
    measure = doc["measure"]
    params = dict(measure.get("params") or {})
    if measure.get("where"):
        params["where"] = measure["where"]
    return Rule(
        id=doc["id"], goal=doc["goal"], title=doc["title"], annex_name=doc["annex"]["name"],
        annex_definition=doc["annex"]["definition"], annex_norm=doc["annex"]["norm"],
        norm_status=NormStatus(doc["norm_status"]), minimum_requirement=MinimumRequirement(doc["minimum_requirement"]),
        reporting=tuple(Cadence(c) for c in doc["reporting"]), meeting=Meeting(doc["meeting"]),
        agenda=AgendaType(doc["agenda"]), interpretation=doc["interpretation"].strip(),
        interpretation_nl=doc["interpretation_nl"].strip(),
        measure=MeasureSpec(measure["id"], params), norm=Norm(doc["norm"].get("text", doc["annex"]["norm"]), tuple(clauses)),
        evidence=tuple(doc["evidence"]), source=source, title_nl=doc["annex"]["name"],
    )


def _semantic_problems(doc: dict, path: Path, source: str, goals: GoalSet, registry: MeasureRegistry) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda field, msg: problems.append(Problem(source, msg, field=field))  # noqa: E731
    if doc["id"] != path.stem:
        add("$.id", f"id {doc['id']!r} must equal the file name {path.stem!r}")
    if doc["goal"] not in goals.ids:
        add("$.goal", f"goal {doc['goal']!r} is not in the goals file (known: {', '.join(sorted(goals.ids))})")
    elif not goals.get(doc["goal"]).has_kpis:
        add("$.goal", f"goal {doc['goal']!r} has no KPIs of its own by the annex")
    if not doc["id"].startswith(doc["goal"] + "-") and not doc["id"].startswith("SW-"):
        add("$.id", f"id {doc['id']!r} must start with its goal {doc['goal']!r}")
    definition = registry.get(doc["measure"]["id"])
    if definition is None:
        add("$.measure.id", f"unknown measure {doc['measure']['id']!r} (known: {', '.join(registry.ids())})")
    else:
        for err in definition.param_errors(doc["measure"].get("params") or {}):
            for where, said in schema_problems(err):
                add(json_path(["measure", "params", *where]), said)
        for i, clause in enumerate(doc["norm"]["clauses"]):
            if clause["metric"] not in definition.metrics_for(doc["measure"].get("params") or {}):
                add(f"$.norm.clauses[{i}].metric",
                    f"measure {definition.id!r} has no metric {clause['metric']!r} (it gives: {', '.join(definition.metrics_for(doc['measure'].get('params') or {}))})")
            if clause.get("per_record") and not definition.per_record:
                add(f"$.norm.clauses[{i}].per_record", f"measure {definition.id!r} takes no per-record limit")
        missing = [k for k in definition.documents if k not in doc["evidence"]]
        if missing:
            add("$.evidence", f"measure {definition.id!r} reads {', '.join(missing)}: list it under evidence")
    for j, kind in enumerate(doc["evidence"]):
        if not resources.schema_path(f"documents/{kind}.schema.json").is_file():
            add(f"$.evidence[{j}]", f"no evidence schema for document kind {kind!r}")
    for i, clause in enumerate(doc["norm"]["clauses"]):
        where = f"$.norm.clauses[{i}]"
        status = doc["norm_status"]
        if status == "client" and clause.get("threshold") is None:
            add(where + ".threshold", "a client norm needs a threshold")
        if status == "client_floor_supplier" and clause.get("floor") is None:
            add(where + ".floor", "a 'client floor + supplier' norm needs the client's floor")
        if clause.get("floor") is not None and clause.get("threshold") is not None and not operators.is_stricter_or_equal(
                clause["op"], clause["threshold"], clause["floor"]):
            add(where + ".threshold", f"threshold {clause['threshold']} is weaker than the floor {clause['floor']}")
    ids = [c["id"] for c in doc["norm"]["clauses"]]
    for dup in sorted({x for x in ids if ids.count(x) > 1}):
        add("$.norm.clauses", f"clause id {dup!r} is used twice")
    for i, flt in enumerate((doc["measure"].get("where") or [])):
        if flt["op"] in ("in", "not in") and not isinstance(flt["value"], list):
            add(f"$.measure.where[{i}].value", f"operator {flt['op']!r} needs a list")
    return problems


def load_catalogue(root: Path | None = None, registry: MeasureRegistry | None = None,
                   goals: GoalSet | None = None) -> Catalogue:
    """Load every rule file under ``root`` (default: the built-in rules); raise ``RuleFileError`` with all problems."""
    from .measures import default_registry

    root = Path(root) if root else resources.rules_dir()
    registry = registry or default_registry()
    problems: list[Problem | str] = []
    if goals is None:
        goals_file = root / "goals.yaml"
        try:
            goals = load_goals(goals_file if goals_file.is_file() else resources.rules_dir() / "goals.yaml")
        except InputError as exc:
            problems.extend(exc.problems)
            raise RuleFileError(problems) from None
    if not root.is_dir():  # a rule file or a mistyped path: say so, rather than that the "folder" holds no rules
        said = "is a file, not a rules folder" if root.exists() else "no such folder"
        raise RuleFileError(Problem(str(root), f"{said} (expected a folder with kpis/*.yaml, or the kpis folder)"))
    files = rule_files(root)
    if not files:
        raise RuleFileError(Problem(str(root), "no rule files (*.yaml) found"))
    validator = jsonschema.Draft202012Validator(rule_schema())
    rules: dict[str, Rule] = {}
    for path in files:
        source = resources.shown_path(path)
        try:
            doc = load_yaml(path, source)  # pass 1: structure
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        if errors:  # pass 2: schema, every error with its JSON path
            problems.extend(Problem(source, said, field=json_path(path))
                            for e in errors for path, said in schema_problems(e))
            continue
        semantic = _semantic_problems(doc, path, source, goals, registry)  # pass 3
        if semantic:
            problems.extend(semantic)
            continue
        if doc["id"] in rules:
            problems.append(Problem(source, f"rule id {doc['id']!r} is also defined in {rules[doc['id']].source}", field="$.id"))
            continue
        rules[doc["id"]] = _build(doc, source)
    if not problems:
        rules = _with_related(rules, registry, problems)
    if problems:
        raise RuleFileError(problems)
    return Catalogue(rules=dict(sorted(rules.items())), goals=goals, root=root)


def _with_related(rules: dict[str, Rule], registry: MeasureRegistry, problems: list) -> dict[str, Rule]:
    """Each rule with the rules whose per-record norms its measure reads (pass 4: they must exist and have the
    clause, with a per-record limit)."""
    out = {}
    for rid, rule in rules.items():
        refs = registry.get(rule.measure.id).norm_refs
        related = []
        for path, other, clause in refs(rule.measure.params) if refs else ():
            target = rules.get(other)
            found = next((c for c in target.norm.clauses if c.id == clause), None) if target else None
            if found is None or found.per_record is None:
                what = "no such rule" if target is None else f"it has no clause {clause!r} with a per-record limit"
                problems.append(Problem(rule.source, f"refers to the norm of {other} clause {clause}: {what}",
                                        field=f"$.measure.params.{path}"))
            elif all(target is not r for r in related):
                related.append(target)
        out[rid] = dataclasses.replace(rule, related=tuple(related)) if related else rule
    return out
