"""Typed results of change control: one ``ConditionResult`` per condition and subject, never bare strings."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from ..errors import ExitCode
from .quotes import SOURCES


class Outcome(str, Enum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ConditionResult:
    """A condition of the annex applied to one subject (the request, a clause, a sheet item), and why."""

    condition: str  # key of quotes.SOURCES
    subject: str  # "request", "O1-resolution-p3/resolution threshold", "mon", …
    outcome: Outcome
    reasons: tuple[str, ...]  # the durable rules that fired (label keys)
    details: Mapping[str, Any] = field(default_factory=dict)  # the values the facts carried

    @property
    def section(self) -> str:
        return SOURCES[self.condition][0]

    @property
    def quotes(self) -> tuple[str, ...]:
        return SOURCES[self.condition][1]


@dataclass(frozen=True)
class Verdict:
    """All conditions of one request or sheet: valid when none is not met."""

    kind: str  # "change_request" | "tender_sheet"
    subject_id: str
    source: str
    sha256: str
    conditions: tuple[ConditionResult, ...]
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not any(c.outcome is Outcome.NOT_MET for c in self.conditions)

    @property
    def exit_code(self) -> int:
        return int(ExitCode.OK if self.valid else ExitCode.DEVIATION)
