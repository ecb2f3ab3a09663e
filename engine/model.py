"""Typed vocabulary of slacheck: enums and frozen dataclasses for rules, measurements and results.

Results are never bare strings: a ``Status`` says PASS / FAIL / NO-DATA / NOT-APPLICABLE / ERROR, and a waiver
annotates a finding (the raw status stays visible) instead of deleting it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping, NamedTuple

from .reasons import Reason


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    NO_DATA = "NO-DATA"  # insufficient evidence: never a pass
    NOT_APPLICABLE = "NOT-APPLICABLE"  # nothing to judge (not due, no cases in the period)
    ERROR = "ERROR"  # the rule could not be evaluated (e.g. no norm in force)

    def __str__(self) -> str:
        return self.value


class MinimumRequirement(str, Enum):
    YES = "yes"
    NO = "no"
    CONTRACT = "contract_requirement"  # "Contracteis": process requirement, no running KPI report


class NormStatus(str, Enum):
    CLIENT = "client"  # "Opdrachtgever"
    SUPPLIER = "supplier"  # "Leverancier": filled in at tender
    CLIENT_FLOOR_SUPPLIER = "client_floor_supplier"  # "Minimumeis + invulling leverancier"


class Cadence(str, Enum):
    PER_INCIDENT = "per_incident"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Meeting(str, Enum):
    OPERATIONAL = "operational"
    TACTICAL = "tactical"
    STRATEGIC = "strategic"
    NONE = "none"


class AgendaType(str, Enum):
    ALWAYS = "always"  # "Altijd"
    ON_DEVIATION = "on_deviation"  # "Alleen bij afwijking"
    NONE = "none"  # contract requirements have no agenda slot


@dataclass(frozen=True)
class PerRecordLimit:
    """The per-record part of a norm, e.g. "≤ 15 min" in "≤ 15 min in 95 % of cases"."""

    op: str
    limit: float
    unit: str  # min, h, business_h, working_days, calendar_days


@dataclass(frozen=True)
class Clause:
    """One comparison of a norm; a compound norm is the AND of its clauses."""

    id: str
    metric: str
    op: str
    threshold: float | None  # None: the supplier fills it in at tender
    unit: str
    floor: float | None = None  # the buyer's floor for supplier-raised norms
    per_record: PerRecordLimit | None = None
    text: str = ""
    needs_cases: str = ""  # when set, a period without cases for this clause is NO-DATA, for this reason


@dataclass(frozen=True)
class Norm:
    text: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class MeasureSpec:
    id: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    id: str
    goal: str
    title: str
    annex_name: str
    annex_definition: str
    annex_norm: str
    norm_status: NormStatus
    minimum_requirement: MinimumRequirement
    reporting: tuple[Cadence, ...]
    meeting: Meeting
    agenda: AgendaType
    interpretation: str  # how the tool reads an ambiguous clause, in English
    interpretation_nl: str  # the same reading in Dutch, for the Dutch report
    measure: MeasureSpec
    norm: Norm
    evidence: tuple[str, ...]  # document kinds the measure needs
    source: str  # the rule file, for messages
    title_nl: str = ""
    related: tuple["Rule", ...] = ()  # the rules whose norms in force its measure reads (``MeasureDef.norm_refs``)

    @property
    def is_minimum_requirement(self) -> bool:
        """Pass/fail and a deviation from the Agreement when failed: "Ja" and "Contracteis" alike."""
        return self.minimum_requirement in (MinimumRequirement.YES, MinimumRequirement.CONTRACT)


class Breach(NamedTuple):
    """A record that did not meet the per-record condition, with the figure that shows it.

    A named tuple rather than a frozen dataclass: as typed and immutable, but made in C (``Breach._make``) for a
    fraction of the cost, and a year audit of a million tickets lists hundreds of thousands of them.
    """

    record_id: str
    detail: str


@dataclass(frozen=True)
class Waiver:
    """A finding excepted by a formal exception: kept visible, annotated, never deleted ("muted")."""

    record_id: str
    reason: str
    reference: str


@dataclass(frozen=True)
class Measurement:
    """What a measure computed for one rule and one period; judging happens elsewhere."""

    metrics: Mapping[str, float | None]
    population: int
    breaches: tuple[Breach, ...] = ()
    waived: tuple[Waiver, ...] = ()
    pending: int = 0  # records whose outcome is not known yet (e.g. a term that runs past the period)
    sufficient: bool = True
    insufficiency: tuple[Reason, ...] = ()  # why the evidence does not suffice (engine.reasons)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NormInForce:
    """The threshold of one clause as it applies in a period, and where it came from."""

    clause: Clause
    threshold: float | None
    per_record: PerRecordLimit | None
    origin: str  # "annex", "tender", "register:<entry id>"


@dataclass(frozen=True)
class ClauseResult:
    clause_id: str
    metric: str
    value: float | None
    op: str
    threshold: float | None
    unit: str
    status: Status
    origin: str


@dataclass(frozen=True)
class KpiResult:
    rule_id: str
    goal: str
    period: str  # the sub-period this result covers, e.g. "2026-07"
    cadence: Cadence | None
    status: Status
    clauses: tuple[ClauseResult, ...]
    measurement: Measurement | None
    minimum_requirement: MinimumRequirement
    message: str = ""
    not_due: str = ""  # the cadence period this "not due" result stands for (not wholly inside the span); "" when due
    reasons: tuple[Reason, ...] = ()  # ``message`` as codes (engine.reasons), where the engine has one

    @property
    def primary(self) -> bool:
        """A result on the rule's own cadence that was judged (not an aggregate view, not a "not due" marker)."""
        return self.cadence is not None and not self.not_due

    @property
    def deviation(self) -> bool:
        """A failed minimum requirement (or contract requirement) in one of its reporting periods: a deviation
        from the Agreement.
        (An aggregate view over several periods repeats what its periods say and adds no deviation.)"""
        return (self.status is Status.FAIL and self.primary
                and self.minimum_requirement in (MinimumRequirement.YES, MinimumRequirement.CONTRACT))


@dataclass(frozen=True)
class GoalResult:
    goal: str
    status: Status
    deviation: bool
    kpi_statuses: Mapping[str, Status] = field(default_factory=dict)
    assured_by: tuple[str, ...] = ()
    reason: str = ""  # a code: "no_kpis", "no_rules", "deviation", "" (labels translate it)
    deviations: tuple[tuple[str, str], ...] = ()  # (rule id, period) of every failed minimum requirement below
    missing: tuple[tuple[str, str], ...] = ()  # (rule id, period) of every NO-DATA / ERROR result below
    scope: str = ""  # the period label this roll-up covers
