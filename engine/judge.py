"""The durable-rules adapter: the only module that imports durable-rules.

Judging runs on aggregate facts, in three stages inside one private ``Host`` per run:
1. clause facts (a metric's value against the threshold in force) → PASS / FAIL / NO-DATA per clause;
2. KPI facts (how many clauses failed, lacked data, …) → the KPI's status;
3. verdict facts → minimum-requirement deviations; further rulesets route agendas and roll goals up.
The rule definitions below are generated from ``engine.operators`` (the same table the rule schema and the
bulk evaluator use). The Host's background timer threads are switched off and the host is torn down after the
run (state first, then rulesets), which keeps results deterministic (see the dependency notes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import durable_rules_engine as _dre
from durable import engine as _durable

from . import operators
from .errors import EngineError

_SID = "run"


class _PrivateHost(_durable.Host):
    """A Host without the self-rescheduling dispatch threads: actions run synchronously in ``post``/``assert``."""

    def _run(self) -> None:  # noqa: D401 - durable's hook
        return None

    def close(self) -> None:
        for ruleset in self._ruleset_list:
            try:
                ruleset.delete_state(_SID)
            except Exception:  # state may not exist when nothing was posted
                pass
            _dre.delete_ruleset(ruleset._handle)
        self._ruleset_list.clear()
        self._ruleset_directory.clear()


def _when(*conds: dict) -> list[dict]:
    return [{"m": {"$and": list(conds)}}]


@dataclass(frozen=True)
class Conclusion:
    fact_id: str
    rule: str  # the durable rule that fired
    outcome: str


class _Collector:
    def __init__(self) -> None:
        self.out: list[Conclusion] = []

    def action(self, rule: str, outcome: str) -> Callable[[Any], None]:
        def act(c: Any) -> None:  # one parameter: durable treats two as asynchronous
            self.out.append(Conclusion(c.m["id"], rule, outcome))
        return act


def _clause_rules(col: _Collector) -> dict:
    rules: dict[str, dict] = {
        "clause_no_data": {"all": _when({"kind": "clause"}, {"sufficient": 0}), "run": col.action("clause_no_data", "NO-DATA")},
        "clause_no_norm": {"all": _when({"kind": "clause"}, {"sufficient": 1}, {"has_norm": 0}),
                           "run": col.action("clause_no_norm", "ERROR")},
        "clause_no_cases": {"all": _when({"kind": "clause"}, {"sufficient": 1}, {"has_norm": 1}, {"applicable": 0},
                                         {"needs_cases": 0}),
                            "run": col.action("clause_no_cases", "NOT-APPLICABLE")},
        # a clause the KPI stands on (the rule file's ``needs_cases``): no cases is no evidence, never a pass of
        # the KPI on its other clauses
        "clause_no_cases_no_data": {"all": _when({"kind": "clause"}, {"sufficient": 1}, {"has_norm": 1},
                                                 {"applicable": 0}, {"needs_cases": 1}),
                                    "run": col.action("clause_no_cases_no_data", "NO-DATA")},
    }
    for sym, op in operators.OPERATORS.items():
        if not op.durable:
            continue
        base = ({"kind": "clause"}, {"sufficient": 1}, {"has_norm": 1}, {"applicable": 1}, {"op": sym})
        name = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "==": "eq", "!=": "ne"}[sym]
        rules[f"clause_{name}_met"] = {"all": _when(*base, {op.durable: {"value": {"$m": "threshold"}}}),
                                       "run": col.action(f"clause_{name}_met", "PASS")}
        rules[f"clause_{name}_not_met"] = {"all": _when(*base, {op.negated: {"value": {"$m": "threshold"}}}),
                                           "run": col.action(f"clause_{name}_not_met", "FAIL")}
    return rules


def _kpi_rules(col: _Collector) -> dict:
    k = {"kind": "kpi"}
    return {
        "kpi_error": {"all": _when(k, {"$gt": {"errors": 0}}), "run": col.action("kpi_error", "ERROR")},
        "kpi_fail": {"all": _when(k, {"errors": 0}, {"$gt": {"fails": 0}}), "run": col.action("kpi_fail", "FAIL")},
        "kpi_no_data": {"all": _when(k, {"errors": 0}, {"fails": 0}, {"$gt": {"no_data": 0}}),
                        "run": col.action("kpi_no_data", "NO-DATA")},
        # a clause with no cases (e.g. no re-evaluation due this quarter) neither passes nor fails the KPI:
        # the KPI passes on the clauses that had cases, and is not applicable only when none had any
        "kpi_not_applicable": {"all": _when(k, {"errors": 0}, {"fails": 0}, {"no_data": 0}, {"passes": 0},
                                            {"$gt": {"not_applicable": 0}}),
                               "run": col.action("kpi_not_applicable", "NOT-APPLICABLE")},
        "kpi_pass": {"all": _when(k, {"errors": 0}, {"fails": 0}, {"no_data": 0}, {"$gt": {"passes": 0}}),
                     "run": col.action("kpi_pass", "PASS")},
    }


def _verdict_rules(col: _Collector) -> dict:
    v = {"kind": "verdict"}
    return {
        # "Indien niet aan een minimale eis wordt voldaan, is sprake van een afwijking van de Overeenkomst."
        "deviation": {"all": _when(v, {"minimum": "yes"}, {"status": "FAIL"}, {"primary": 1}),
                      "run": col.action("deviation", "deviation")},
        # A "Contracteis" is a minimum contract requirement too ("Major incidentcommunicatie is een minimale
        # contracteis"): failing it is a deviation from the Agreement, though it has no running KPI report.
        "deviation_contract_requirement": {"all": _when(v, {"minimum": "contract_requirement"}, {"status": "FAIL"},
                                                        {"primary": 1}),
                                           "run": col.action("deviation_contract_requirement", "deviation")},
        # Missing or insufficient evidence for a minimum requirement (NO-DATA, or ERROR: not judged) is no
        # deviation, but never a pass either: "Een minimale eis wordt periodiek getoetst", and this one could not be.
        **{f"no_evidence_{minimum}_{name}": {"all": _when(v, {"minimum": minimum}, {"status": status}, {"primary": 1}),
                                             "run": col.action(f"no_evidence_{minimum}_{name}", "no_evidence")}
           for minimum in ("yes", "contract_requirement") for name, status in (("no_data", "NO-DATA"), ("error", "ERROR"))},
        "catch_all": {"all": [{"m": {"$ex": {"kind": 1}}}], "run": col.action("catch_all", "none")},
    }


def _goal_rules(col: _Collector) -> dict:
    """Goal roll-up: a goal's status from the statuses of its own KPIs and of the goals that assure it.

    Facts: id, fails, no_data (NO-DATA and ERROR below), passes, not_applicable, deviations (failed minimum
    requirements anywhere below), unmeasured (1 when the annex gives the goal KPIs but the catalogue has none).
    """
    g = {"kind": "goal"}
    return {
        "goal_fail": {"all": _when(g, {"$gt": {"fails": 0}}), "run": col.action("goal_fail", "FAIL")},
        # insufficient evidence is never rolled up as a pass
        "goal_no_data": {"all": _when(g, {"fails": 0}, {"$gt": {"no_data": 0}}), "run": col.action("goal_no_data", "NO-DATA")},
        "goal_unmeasured": {"all": _when(g, {"fails": 0}, {"no_data": 0}, {"unmeasured": 1}),
                            "run": col.action("goal_unmeasured", "NO-DATA")},
        "goal_pass": {"all": _when(g, {"fails": 0}, {"no_data": 0}, {"unmeasured": 0}, {"$gt": {"passes": 0}}),
                      "run": col.action("goal_pass", "PASS")},
        "goal_not_applicable": {"all": _when(g, {"fails": 0}, {"no_data": 0}, {"unmeasured": 0}, {"passes": 0}),
                                "run": col.action("goal_not_applicable", "NOT-APPLICABLE")},
        # "Indien niet aan een minimale eis wordt voldaan, is sprake van een afwijking van de Overeenkomst":
        # shown at the goal and at every goal it assures, up to the strategic level.
        "goal_deviation": {"all": _when(g, {"$gt": {"deviations": 0}}), "run": col.action("goal_deviation", "deviation")},
    }


def _agenda_rules(col: _Collector) -> dict:
    """Agenda routing for one meeting (level + period) and one result or goal (the Legenda's agenda types).

    Slot facts: id, agenda, status, minimum, same (1 when the KPI's own meeting is this meeting's level),
    meeting_rank and rule_rank (0 strategic … 2 operational). Standing facts: id, standing (0/1).
    """
    s = {"kind": "slot"}
    return {
        # "Altijd": "Komt standaard terug op de agenda, ongeacht de score."
        "slot_always": {"all": _when(s, {"same": 1}, {"agenda": "always"}), "run": col.action("slot_always", "always")},
        # "Alleen bij afwijking": "Komt op agenda wanneer score onder norm valt."
        "slot_below_norm": {"all": _when(s, {"same": 1}, {"agenda": "on_deviation"}, {"status": "FAIL"}),
                            "run": col.action("slot_below_norm", "below_norm")},
        # A failed minimum requirement is on the agenda of its own meeting and of every meeting level above it.
        "slot_deviation": {"all": _when(s, {"minimum": "yes"}, {"status": "FAIL"},
                                        {"$lte": {"meeting_rank": {"$m": "rule_rank"}}}),
                           "run": col.action("slot_deviation", "deviation")},
        # So is a failed contract requirement ("Contracteis"); one without a meeting of its own (major-incident
        # updates) goes to every level, starting at the operational meeting.
        "slot_deviation_contract_requirement": {
            "all": _when(s, {"minimum": "contract_requirement"}, {"status": "FAIL"},
                         {"$lte": {"meeting_rank": {"$m": "rule_rank"}}}),
            "run": col.action("slot_deviation_contract_requirement", "deviation")},
        # Insufficient evidence (NO-DATA, or ERROR: not judged) is never a pass, so it is never silently off the
        # agenda: with no score it cannot be told that the score did not fall "onder norm" ("Alleen bij
        # afwijking"), and a minimum requirement "wordt periodiek getoetst". It goes to the KPI's own meeting (a
        # contract requirement without one: the operational meeting, where its deviation would start).
        **{f"slot_{name}": {"all": _when(s, {"status": status}, {"$lte": {"meeting_rank": {"$m": "rule_rank"}}},
                                         {"$gte": {"meeting_rank": {"$m": "rule_rank"}}}),
                            "run": col.action(f"slot_{name}", "no_evidence")}
           for name, status in (("no_data", "NO-DATA"), ("error", "ERROR"))},
        # S1 Toelichting: "S1 is een vast agendapunt in het jaarlijkse strategisch overleg."
        "standing_item": {"all": _when({"kind": "standing"}, {"standing": 1}), "run": col.action("standing_item", "standing")},
        "agenda_catch_all": {"all": [{"m": {"$ex": {"kind": 1}}}], "run": col.action("agenda_catch_all", "none")},
    }


class Judge:
    """One judging run; use as a context manager so the private Host is always torn down."""

    def __init__(self, extra_rulesets: dict[str, Callable[[_Collector], dict]] | None = None) -> None:
        self._col = _Collector()
        self._builders = {"clauses": _clause_rules, "kpis": _kpi_rules, "verdicts": _verdict_rules,
                          "goals": _goal_rules, "agenda": _agenda_rules, **(extra_rulesets or {})}
        self._host = _PrivateHost({name: build(self._col) for name, build in self._builders.items()})

    def __enter__(self) -> "Judge":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._host.close()

    def _distinct(self, ruleset: str, facts: list[dict], as_facts: bool) -> dict[str, list[Conclusion]]:
        """``_run`` for rulesets whose every rule matches one fact on its own fields (the built-in ones): facts
        that differ only in their id get the same conclusions, so each distinct fact is judged once (an audit
        has hundreds of facts but few distinct ones, and durable-rules costs ~0.1 ms per fired action)."""
        groups: dict[tuple, list[str]] = {}
        for f in facts:  # the key: the fields but the id, and their types (1, 1.0 and True are different facts)
            rest = dict(f)
            fid = rest.pop("id")
            groups.setdefault((tuple(rest.items()), tuple(map(type, rest.values()))), []).append(fid)
        found = self._run(ruleset, [{**dict(items), "id": f"#{n}"} for n, (items, _) in enumerate(groups)], as_facts)
        out: dict[str, list[Conclusion]] = {}
        for n, ids in enumerate(groups.values()):
            for c in found.get(f"#{n}", ()):
                for fid in ids:
                    out.setdefault(fid, []).append(Conclusion(fid, c.rule, c.outcome))
        return out

    def _run(self, ruleset: str, facts: list[dict], as_facts: bool) -> dict[str, list[Conclusion]]:
        if not facts:
            return {}
        self._col.out.clear()
        msgs = [{**f, "sid": _SID} for f in facts]
        try:
            if as_facts:
                self._host.assert_facts(ruleset, msgs)
            else:
                self._host.post_batch(ruleset, msgs)
        except _durable.MessageNotHandledException as exc:
            raise EngineError(f"durable-rules: no rule in {ruleset!r} handles {exc}") from None
        if as_facts:  # facts stay until retracted; retract so the next stage starts clean
            self._host.retract_facts(ruleset, msgs)
        found: dict[str, list[Conclusion]] = {}
        for c in self._col.out:
            found.setdefault(c.fact_id, []).append(c)
        return found

    def clauses(self, facts: Iterable[dict]) -> dict[str, str]:
        """Facts: id, op, value, threshold, sufficient, has_norm, applicable, needs_cases (0/1 each). Returns id →
        status."""
        facts = [{"kind": "clause", **f} for f in facts]
        found = self._distinct("clauses", facts, as_facts=False)
        return {f["id"]: self._one(found, f["id"]) for f in facts}

    def kpis(self, facts: Iterable[dict]) -> dict[str, str]:
        """Facts: id, passes, fails, no_data, not_applicable, errors. Returns id → status."""
        facts = [{"kind": "kpi", **f} for f in facts]
        found = self._distinct("kpis", facts, as_facts=False)
        return {f["id"]: self._one(found, f["id"]) for f in facts}

    def verdicts(self, facts: Iterable[dict]) -> dict[str, set[str]]:
        """Facts: id, status, minimum, primary (0/1). Returns id → {"deviation"}, {"no_evidence"} (a minimum
        requirement without sufficient evidence) or an empty set.
        (Agenda routing has its own ruleset, see ``engine.agenda``.)"""
        facts = [{"kind": "verdict", **f} for f in facts]
        found = self._distinct("verdicts", facts, as_facts=True)
        return {f["id"]: {c.outcome for c in found.get(f["id"], []) if c.outcome != "none"} for f in facts}

    def goals(self, facts: Iterable[dict]) -> dict[str, tuple[str, bool]]:
        """Goal facts (see ``_goal_rules``). Returns id → (status, deviation)."""
        facts = [{"kind": "goal", **f} for f in facts]
        found = self._distinct("goals", facts, as_facts=True)
        out = {}
        for f in facts:
            got = found.get(f["id"], [])
            statuses = [c.outcome for c in got if c.outcome != "deviation"]
            if len(statuses) != 1:
                raise EngineError(f"durable-rules gave {len(statuses)} goal statuses for {f['id']!r}: {got}")
            out[f["id"]] = (statuses[0], any(c.outcome == "deviation" for c in got))
        return out

    def agenda(self, facts: Iterable[dict]) -> dict[str, set[str]]:
        """Slot and standing facts (see ``_agenda_rules``). Returns id → reasons ("always", "below_norm",
        "deviation", "no_evidence", "standing"); an empty set means the fact does not go on the agenda."""
        facts = list(facts)
        found = self._distinct("agenda", facts, as_facts=True)
        return {f["id"]: {c.outcome for c in found.get(f["id"], []) if c.outcome != "none"} for f in facts}

    def run_facts(self, ruleset: str, facts: list[dict]) -> dict[str, list[Conclusion]]:
        """For rulesets added by ``extra_rulesets`` (e.g. change control): every matching rule fires."""
        return self._run(ruleset, facts, as_facts=True)

    @staticmethod
    def _one(found: dict[str, list[Conclusion]], fid: str) -> str:
        got = found.get(fid, [])
        if len(got) != 1:
            raise EngineError(f"durable-rules gave {len(got)} conclusions for {fid!r}: {got}")
        return got[0].outcome
