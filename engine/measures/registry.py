"""The measure registry: named functions that compute a KPI's metrics from evidence.

A registry is an instance (``MeasureRegistry()``), filled by ``register``; ``engine.measures.default_registry()``
builds a fresh one with the built-in measures, so tests can build their own without touching a global.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import jsonschema

from ..model import Measurement


@dataclass(frozen=True)
class MeasureDef:
    id: str
    func: Callable[..., Measurement]  # func(ctx, rule, period, norms) -> Measurement
    metrics: Callable[[Mapping[str, Any]], tuple[str, ...]] | tuple[str, ...]
    documents: tuple[str, ...]  # document kinds it always reads
    params_schema: Mapping[str, Any]
    per_record: bool = False  # whether its clauses may carry a per-record limit
    doc: str = ""
    #: the other rules' clauses whose norm in force it reads: params -> [(param path, rule id, clause id)]; the
    #: catalogue checks they exist and hands the rules to the rule (``Rule.related``)
    norm_refs: Callable[[Mapping[str, Any]], list[tuple[str, str, str]]] | None = None

    def metrics_for(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return self.metrics(params) if callable(self.metrics) else self.metrics

    def param_errors(self, params: Mapping[str, Any]) -> list[jsonschema.ValidationError]:
        return sorted(jsonschema.Draft202012Validator(self.params_schema).iter_errors(params),
                      key=lambda e: list(map(str, e.absolute_path)))


class MeasureRegistry:
    def __init__(self, defs: Iterable[MeasureDef] = ()) -> None:
        self._defs: dict[str, MeasureDef] = {}
        for d in defs:
            self.register(d)

    def register(self, definition: MeasureDef) -> None:
        if definition.id in self._defs:
            raise ValueError(f"measure {definition.id!r} is registered twice")
        self._defs[definition.id] = definition

    def get(self, measure_id: str) -> MeasureDef | None:
        return self._defs.get(measure_id)

    def ids(self) -> list[str]:
        return sorted(self._defs)

    def __contains__(self, measure_id: str) -> bool:
        return measure_id in self._defs
