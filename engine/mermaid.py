"""The goal graph as text and as a Mermaid flowchart coloured by status (for ``slacheck goals`` and the report).

The diagram is language-neutral (ids and status codes only) so the Dutch and English reports and the JSON carry
the same text; its bytes depend only on the catalogue and the statuses.
"""
from __future__ import annotations

import re
from typing import Mapping

import networkx as nx

from .model import Status
from .rulefiles import Catalogue

_CLASS = {Status.PASS: "pass", Status.FAIL: "fail", Status.NO_DATA: "nodata", Status.ERROR: "error",
          Status.NOT_APPLICABLE: "na"}
_STYLE = {
    "pass": "fill:#d1e7dd,stroke:#0f5132,color:#0f5132",
    "fail": "fill:#f8d7da,stroke:#842029,color:#842029",
    "nodata": "fill:#fff3cd,stroke:#664d03,color:#664d03",
    "error": "fill:#fff3cd,stroke:#664d03,color:#664d03,stroke-dasharray:4 2",
    "na": "fill:#e9ecef,stroke:#6c757d,color:#495057",
    "unjudged": "fill:#ffffff,stroke:#6c757d,color:#212529",
    "deviation": "stroke-width:4px",
}


def node_id(name: str) -> str:
    """A Mermaid-safe node id (hyphens and dots would be read as edges or syntax)."""
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def mermaid(catalogue: Catalogue, goal_status: Mapping[str, Status] | None = None,
            kpi_status: Mapping[str, Status] | None = None, deviations: frozenset[str] = frozenset()) -> str:
    """``flowchart BT``: KPIs point at their goal, assuring goals at the goal they assure; classes by status."""
    goal_status, kpi_status = goal_status or {}, kpi_status or {}
    lines = ["flowchart BT"]
    classes: dict[str, list[str]] = {}

    def add(name: str, label: str, status: Status | None, shape: tuple[str, str]) -> None:
        nid = node_id(name)
        text = label + (f"<br/>{status.value}" if status else "") + (" ⚠" if name in deviations else "")
        lines.append(f'    {nid}{shape[0]}"{text}"{shape[1]}')
        classes.setdefault(_CLASS[status] if status else "unjudged", []).append(nid)
        if name in deviations:
            classes.setdefault("deviation", []).append(nid)

    for goal in catalogue.goals.goals:
        add(goal.id, goal.id, goal_status.get(goal.id), ("([", "])") if goal.level == "strategic" else ("[", "]"))
    for rule in catalogue.rules.values():
        add(rule.id, rule.id, kpi_status.get(rule.id), ("(", ")"))
    for link in sorted(catalogue.goals.links, key=lambda x: (x.assured_by, x.goal)):
        lines.append(f"    {node_id(link.assured_by)} ==> {node_id(link.goal)}")
    for rule in catalogue.rules.values():
        lines.append(f"    {node_id(rule.id)} --> {node_id(rule.goal)}")
    for cls in [c for c in _STYLE if c in classes]:
        lines.append(f"    classDef {cls} {_STYLE[cls]}")
        lines.append(f"    class {','.join(classes[cls])} {cls}")
    return "\n".join(lines) + "\n"


def text_tree(catalogue: Catalogue, graph: nx.DiGraph, lang: str = "nl",
              goal_status: Mapping[str, Status] | None = None, kpi_status: Mapping[str, Status] | None = None) -> str:
    """An indented tree: each top goal, the goals that assure it (←), and under every goal its KPIs. Levels,
    meetings, agenda types and minimum requirements in the report's words (``labels.yaml``), not identifiers."""
    from .report import labels

    t = labels(lang)
    goal_status, kpi_status = goal_status or {}, kpi_status or {}
    goals = catalogue.goals
    out: list[str] = []

    def status(mapping: Mapping[str, Status], key: str) -> str:
        return f"  [{mapping[key].value}]" if key in mapping else ""

    def walk(gid: str, depth: int, arrow: str) -> None:
        g = goals.get(gid)
        title = g.title_nl if lang == "nl" else g.title
        extra = (f" · {t['standing']}: {', '.join(t['meeting'][m] for m in g.standing_agenda)}"
                 if g.standing_agenda else "")
        out.append(f"{'    ' * depth}{arrow}{gid} {title} · {t['level'][g.level]}{status(goal_status, gid)}{extra}")
        for rule in catalogue.by_goal(gid):
            name = rule.annex_name if lang == "nl" else rule.title
            flag = (f" · {t['minimum_requirement']}: {t['minimum'][rule.minimum_requirement.value]}"
                    if rule.is_minimum_requirement else "")
            out.append(f"{'    ' * (depth + 1)}- {rule.id}: {name} · {t['meeting'][rule.meeting.value]} · "
                       f"{t['agenda_type'][rule.agenda.value]}{flag}{status(kpi_status, rule.id)}")
        for below in goals.assured_by(gid):
            walk(below, depth + 1, "← ")

    roots = [g.id for g in goals.goals if graph.out_degree(g.id) == 0]
    for gid in roots:
        walk(gid, 0, "")
    return "\n".join(out) + "\n"
