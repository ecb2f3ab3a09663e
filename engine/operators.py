"""The operator table: one object for the rule schema's enum, durable-rules judging, bulk (numpy) evaluation and
the sign a report writes.

A norm clause compares a KPI value with a threshold through durable-rules (``durable``/``negated``); a record
filter in a rule's measure compares a field with a constant, in bulk, through ``apply``; a report shows it as
``shown`` (≥ where the annex writes ≥). The rule-file schema takes its enums from this table
(``NORM_OPERATORS``/``FILTER_OPERATORS``), so an operator cannot be accepted by the schema and unknown to the
evaluator, or the other way round.
"""
from __future__ import annotations

import operator as _op
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class Operator:
    symbol: str
    apply: Callable[[Any, Any], Any]  # works on scalars and numpy arrays
    durable: str | None = None  # durable-rules comparison that holds when the norm is met
    negated: str | None = None  # durable-rules comparison that holds when it is not
    stricter: str | None = None  # "higher" or "lower": which way a threshold change makes the norm stricter
    shown: str | None = None  # the sign the annex writes, for reports (None: the symbol itself, escaped)


def _isin(values: Any, allowed: Any) -> Any:
    return np.isin(values, list(allowed)) if isinstance(values, np.ndarray) else values in allowed


def _notin(values: Any, allowed: Any) -> Any:
    return ~np.isin(values, list(allowed)) if isinstance(values, np.ndarray) else values not in allowed


OPERATORS: dict[str, Operator] = {
    ">=": Operator(">=", _op.ge, "$gte", "$lt", "higher", "≥"),
    ">": Operator(">", _op.gt, "$gt", "$lte", "higher"),
    "<=": Operator("<=", _op.le, "$lte", "$gt", "lower", "≤"),
    "<": Operator("<", _op.lt, "$lt", "$gte", "lower"),
    "==": Operator("==", _op.eq, "$eq", "$neq", None, "="),
    "!=": Operator("!=", _op.ne, "$neq", "$eq", None, "≠"),
    "in": Operator("in", _isin),
    "not in": Operator("not in", _notin),
}

#: operators a norm clause may use: those durable-rules can judge
NORM_OPERATORS: tuple[str, ...] = tuple(s for s, o in OPERATORS.items() if o.durable)
#: operators a record filter may use
FILTER_OPERATORS: tuple[str, ...] = tuple(OPERATORS)


def get(symbol: str) -> Operator:
    return OPERATORS[symbol]


def is_stricter_or_equal(symbol: str, candidate: float, reference: float) -> bool:
    """True when a clause ``value <symbol> candidate`` is at least as demanding as ``value <symbol> reference``."""
    direction = OPERATORS[symbol].stricter
    if direction == "higher":
        return candidate >= reference
    if direction == "lower":
        return candidate <= reference
    return candidate == reference
