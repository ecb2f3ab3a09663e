"""Run change-control facts through durable-rules (via ``engine.judge``) and turn the conclusions into results."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import EngineError
from ..judge import Judge
from .model import ConditionResult, Outcome


@dataclass
class Fact:
    condition: str
    subject: str
    values: dict[str, Any]  # what the rules see (numbers and short strings)
    details: dict[str, Any] = field(default_factory=dict)  # what the report shows next to it


class Session:
    """One judging session over a ruleset; several stages may run in it (e.g. comparisons, then the price claim)."""

    def __init__(self, name: str, builder: Callable[[Any], dict]) -> None:
        self.name = name
        self._judge = Judge(extra_rulesets={name: builder})
        self._n = 0

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._judge.__exit__(*exc)

    def judge(self, facts: list[Fact]) -> tuple[list[ConditionResult], dict[int, list[str]]]:
        """Results in fact order, and the comparison tags per fact index."""
        ids = []
        msgs = []
        for f in facts:
            self._n += 1
            fid = f"cc{self._n}"
            ids.append(fid)
            msgs.append({"id": fid, "kind": "cc", "condition": f.condition, **f.values})
        found = self._judge.run_facts(self.name, msgs)
        results, tags = [], {}
        for i, (f, fid) in enumerate(zip(facts, ids)):
            got = [c for c in found.get(fid, []) if c.outcome != "none"]
            tags[i] = sorted(c.outcome[4:] for c in got if c.outcome.startswith("tag:"))
            verdicts = [c for c in got if not c.outcome.startswith("tag:")]
            outcome = _decide([c.outcome for c in verdicts], fid, f)
            reasons = tuple(sorted({c.rule for c in verdicts if c.outcome == outcome.value}))  # an $or can fire twice
            results.append(ConditionResult(f.condition, f.subject, outcome, reasons, dict(f.details)))
        return results, tags


def _decide(outcomes: list[str], fid: str, fact: Fact) -> Outcome:
    if "not_met" in outcomes:
        return Outcome.NOT_MET
    if "met" in outcomes:
        return Outcome.MET
    if "not_applicable" in outcomes:
        return Outcome.NOT_APPLICABLE
    raise EngineError(f"no change-control rule decided {fact.condition!r} for {fact.subject!r} ({fid}): {fact.values}")

