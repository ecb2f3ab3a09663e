"""The goal graph and the roll-up over it: a goal's status follows from its own KPIs and the goals that assure it.

The graph joins the goals file (edges assuring goal → assured goal) and the catalogue (edge KPI → its goal); it
must be a DAG in which every KPI hangs under exactly one known goal. The roll-up is judged by durable-rules
(``Judge.goals``): first each KPI over its cadence periods in scope, then the goals bottom-up, one topological
generation per batch. A failed minimum requirement is a deviation from the Agreement and is carried, with its
rule and period, to every goal above it; NO-DATA and ERROR are never rolled up as a pass, and a goal that the
annex gives KPIs but the catalogue does not measure is NO-DATA, not "nothing to judge".
"""
from __future__ import annotations

from typing import Iterable

import networkx as nx

from .errors import Problem, RuleFileError
from .judge import Judge
from .model import GoalResult, KpiResult, Status
from .periods import Period, parse_period
from .rulefiles import Catalogue


def kpi_graph(catalogue: Catalogue) -> nx.DiGraph:
    """Goals and KPIs as one validated DAG: edges assuring goal → goal and KPI → goal (node attr ``kind``)."""
    g = catalogue.goals.graph()
    for node in g.nodes:
        g.nodes[node]["kind"] = "goal"
    problems = []
    for rule in catalogue.rules.values():
        if rule.id in g:
            problems.append(Problem(rule.source, f"KPI id {rule.id!r} clashes with a goal id", field="$.id"))
            continue
        if rule.goal not in catalogue.goals.ids:
            problems.append(Problem(rule.source, f"KPI is attached to unknown goal {rule.goal!r}", field="$.goal"))
            continue
        g.add_node(rule.id, kind="kpi", goal=rule.goal, title=rule.title)
        g.add_edge(rule.id, rule.goal)
    if not nx.is_directed_acyclic_graph(g):
        cycle = " → ".join(a for a, _ in nx.find_cycle(g))
        problems.append(Problem(catalogue.goals.source, f"the goal graph has a cycle: {cycle}", field="$.links"))
    for node, data in g.nodes(data=True):
        if data["kind"] == "kpi" and g.out_degree(node) != 1:
            problems.append(Problem(node, f"a KPI must hang under exactly one goal, not {g.out_degree(node)}"))
    if problems:
        raise RuleFileError(problems)
    return g


def in_scope(results: Iterable[KpiResult], scope: Period | None) -> list[KpiResult]:
    """The judged cadence results (no aggregate views, no "not due" markers) whose period lies inside ``scope``."""
    out = [r for r in results if r.primary]
    return out if scope is None else [r for r in out if scope.contains(parse_period(r.period))]


def _counts(statuses: Iterable[Status]) -> dict[str, int]:
    statuses = list(statuses)
    return {"fails": statuses.count(Status.FAIL), "passes": statuses.count(Status.PASS),
            "no_data": statuses.count(Status.NO_DATA) + statuses.count(Status.ERROR),
            "not_applicable": statuses.count(Status.NOT_APPLICABLE)}


def roll_up(catalogue: Catalogue, results: Iterable[KpiResult], *, scope: Period | None = None,
            judge: Judge | None = None) -> tuple[GoalResult, ...]:
    """Goal results in the goals file's order, over the cadence results inside ``scope`` (default: all)."""
    if judge is None:
        with Judge() as own:
            return roll_up(catalogue, results, scope=scope, judge=own)
    kpi_graph(catalogue)
    rows = in_scope(results, scope)
    per_rule: dict[str, list[KpiResult]] = {}
    for r in rows:
        per_rule.setdefault(r.rule_id, []).append(r)
    kpi_verdicts = judge.goals([{"id": f"kpi:{rid}", **_counts(r.status for r in rs),
                                 "deviations": sum(r.deviation for r in rs), "unmeasured": 0}
                                for rid, rs in sorted(per_rule.items())])
    kpi_status = {rid: Status(kpi_verdicts[f"kpi:{rid}"][0]) for rid in per_rule}
    goals = catalogue.goals
    done: dict[str, GoalResult] = {}
    graph = goals.graph()
    for generation in nx.topological_generations(graph):
        facts, parts = [], {}
        for gid in sorted(generation):
            goal = goals.get(gid)
            own = {rid: s for rid, s in kpi_status.items() if catalogue.rules[rid].goal == gid}
            below = goals.assured_by(gid)
            deviations = sorted({(r.rule_id, r.period) for r in rows if r.goal == gid and r.deviation}
                                | {d for g in below for d in done[g].deviations})
            missing = sorted({(r.rule_id, r.period) for r in rows if r.goal == gid and r.status in (Status.NO_DATA, Status.ERROR)}
                             | {m for g in below for m in done[g].missing})
            unmeasured = int(goal.has_kpis and not catalogue.by_goal(gid))
            counts = _counts(list(own.values()) + [done[g].status for g in below])
            facts.append({"id": gid, **counts, "deviations": len(deviations), "unmeasured": unmeasured})
            parts[gid] = (own, below, tuple(deviations), tuple(missing), unmeasured)
        verdicts = judge.goals(facts)
        for gid, (own, below, deviations, missing, unmeasured) in parts.items():
            status, deviation = verdicts[gid]
            has_rules = bool(catalogue.by_goal(gid))
            reason = ("deviation" if deviation else "no_rules" if unmeasured else
                      "not_due" if not own and has_rules else
                      "no_kpis" if not own and not below else "via" if not own else "")
            done[gid] = GoalResult(gid, Status(status), deviation, dict(sorted(own.items())), tuple(below), reason,
                                   deviations, missing, scope.label if scope else "")
    return tuple(done[g.id] for g in goals.goals)
