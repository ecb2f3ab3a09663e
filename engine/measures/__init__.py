"""Measures: compute a KPI's metrics from evidence. Judging the metrics against the norm happens in the judge."""
from __future__ import annotations

from .registry import MeasureDef, MeasureRegistry


def default_registry() -> MeasureRegistry:
    """A fresh registry holding every built-in measure."""
    from . import security, tickets
    from . import availability, workplace
    from . import changes, governance, lifecycle
    from . import incidents, service_window, support

    registry = MeasureRegistry()
    for module in (tickets, security, availability, workplace, changes, governance, lifecycle, incidents, support, service_window):
        for definition in module.DEFS:
            registry.register(definition)
    return registry


__all__ = ["MeasureDef", "MeasureRegistry", "default_registry"]
