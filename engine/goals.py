"""The goals file: the goals of the annex and the links by which one goal assures another, as a networkx DAG."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import networkx as nx

from . import resources
from .errors import Problem, RuleFileError, json_path, schema_problems
from .yamlio import load_yaml


@dataclass(frozen=True)
class Goal:
    id: str
    level: str
    title: str
    title_nl: str
    text: str
    has_kpis: bool
    standing_agenda: tuple[str, ...] = ()
    annex_note: str = ""


@dataclass(frozen=True)
class Link:
    goal: str
    assured_by: str
    source: str


LEVEL_ORDER = {"strategic": 0, "tactical": 1, "operational": 2}


@dataclass(frozen=True)
class GoalSet:
    goals: tuple[Goal, ...]
    links: tuple[Link, ...]
    source: str

    @property
    def ids(self) -> set[str]:
        return {g.id for g in self.goals}

    def get(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(goal_id)

    def assured_by(self, goal_id: str) -> list[str]:
        return sorted(link.assured_by for link in self.links if link.goal == goal_id)

    def graph(self) -> nx.DiGraph:
        """Edges run from the assuring goal to the goal it assures (O5 → T3, T1 → S1)."""
        g = nx.DiGraph()
        for goal in self.goals:
            g.add_node(goal.id, level=goal.level, title=goal.title)
        for link in self.links:
            g.add_edge(link.assured_by, link.goal, source=link.source)
        return g


def load_goals(path: Path | None = None) -> GoalSet:
    path = Path(path) if path else resources.rules_dir() / "goals.yaml"
    source = resources.shown_path(path)
    doc = load_yaml(path, source)
    schema = json.loads((resources.rules_dir() / "schema" / "goals.schema.json").read_text(encoding="utf-8"))
    
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if errors:
        raise RuleFileError([Problem(source, said, field=json_path(path))
                             for e in errors for path, said in schema_problems(e)])
    goals = tuple(Goal(g["id"], g["level"], g["title"], g["title_nl"], g["text"].strip(), g["has_kpis"],
                       tuple(g.get("standing_agenda", ())), g.get("annex_note", "")) for g in doc["goals"])
    links = tuple(Link(x["goal"], x["assured_by"], x["source"]) for x in doc["links"])
    problems = []
    ids = [g.id for g in goals]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(source, f"goal {dup!r} is defined twice", field="$.goals"))
    for i, link in enumerate(links):
        for end in ("goal", "assured_by"):
            if getattr(link, end) not in ids:
                problems.append(Problem(source, f"unknown goal {getattr(link, end)!r}", field=f"$.links[{i}].{end}"))
    if not problems:
        gs = GoalSet(goals, links, source)
        graph = gs.graph()
        if not nx.is_directed_acyclic_graph(graph):
            cycle = " → ".join(a for a, _ in nx.find_cycle(graph))
            problems.append(Problem(source, f"the goal links form a cycle: {cycle}", field="$.links"))
        for i, link in enumerate(links):
            if LEVEL_ORDER[gs.get(link.assured_by).level] < LEVEL_ORDER[gs.get(link.goal).level]:
                problems.append(Problem(source, f"{link.assured_by} cannot assure the lower-level goal {link.goal}",
                                        field=f"$.links[{i}]"))
    if problems:
        raise RuleFileError(problems)
    return GoalSet(goals, links, source)
