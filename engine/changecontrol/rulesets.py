"""Change-control rules as plain durable-rules definitions (no durable import here; ``engine.judge`` runs them).

Facts are asserted, so every matching rule fires: a condition can fail for several reasons at once and each
reason is reported. A rule's outcome is ``met``, ``not_met`` or ``not_applicable`` for the condition named in the
fact, or ``tag:<x>`` for a comparison that a later stage counts (stricter / equal / weaker than the tendered
norm). Directions of "stricter" come from ``engine.operators`` (``Operator.stricter``: higher or lower).

Fact shapes (``kind`` is always ``cc``; every fact has a unique ``id``):

* consent: client, supplier (an approval present), dated, written, tied (every approval present has a date, a
  written document and a governance meeting: level + date), all 0/1.
* materiality: direction (higher | lower | none | removed: the KPI and its norm are dropped), has_reference, new, reference, bound (the weakest value within
  the materiality margin, computed by ``changes._bound``), justified (0/1: text *and* reference given).
* floor / tender_floor: direction, has_floor, new, floor.
* quarter_boundary: month, day. recorded / tender_known / tender_present / norm_complete: ok (0/1).
* not_retroactive: known (0/1), effective, consent (date ordinals). goal_fixed: changes_goal (0/1).
* same_goal, composition, unambiguous: applicable, ok. minimum_requirement: applicable, level (the dropped KPI's
  ``minimum_requirement``: yes | no | contract_requirement). goal_not_empty: applicable, by_design (the annex gives the goal KPIs),
  kpis_after. price_claim: claimed, stricter, weaker (counts of components), new_obligation (0/1).
* service_window: offered (0: no window on the sheet, the minimum applies), present, open_min, close_min
  (minutes after midnight; one fact per working day). declaration: present, verbatim,
  signed, dated.
"""
from __future__ import annotations

from typing import Any, Callable

from .. import operators

#: comparisons by direction: (at least as strict, strictly weaker, strictly stricter)
_CMP = {"higher": ("$gte", "$lt", "$gt"), "lower": ("$lte", "$gt", "$lt")}


def _when(*conds: dict) -> list[dict]:
    return [{"m": {"$and": [{"kind": "cc"}, *conds]}}]


def _directions() -> list[str]:
    """The directions the operator table knows (``higher``/``lower``), so a new operator cannot be missed."""
    return sorted({op.stricter for op in operators.OPERATORS.values() if op.stricter})


def change_rules(col: Any) -> dict[str, dict]:
    """Rules for a change request (annex §1 and §2.2)."""
    r: dict[str, dict] = {}

    def add(name: str, outcome: str, *conds: dict) -> None:
        r[name] = {"all": _when(*conds), "run": col.action(name, outcome)}

    c = {"condition": "consent"}
    add("consent_given", "met", c, {"client": 1}, {"supplier": 1}, {"dated": 1}, {"written": 1}, {"tied": 1})
    add("consent_client_missing", "not_met", c, {"client": 0})
    add("consent_supplier_missing", "not_met", c, {"supplier": 0})
    add("consent_undated", "not_met", c, {"dated": 0})
    add("consent_not_written", "not_met", c, {"written": 0})
    add("consent_not_in_governance_cycle", "not_met", c, {"tied": 0})

    m = {"condition": "materiality"}
    add("materiality_no_reference", "not_applicable", m, {"has_reference": 0})
    for d in _directions():
        ge, lt, gt = _CMP[d]
        base = (m, {"has_reference": 1}, {"direction": d})
        add(f"materiality_not_weaker_{d}", "met", *base, {ge: {"new": {"$m": "reference"}}})
        add(f"materiality_within_margin_{d}", "met", *base, {lt: {"new": {"$m": "reference"}}},
            {ge: {"new": {"$m": "bound"}}})
        add(f"materiality_justified_{d}", "met", *base, {lt: {"new": {"$m": "bound"}}}, {"justified": 1})
        add(f"materiality_unjustified_{d}", "not_met", *base, {lt: {"new": {"$m": "bound"}}}, {"justified": 0})
        add(f"compare_stricter_{d}", "tag:stricter", *base, {gt: {"new": {"$m": "reference"}}})
        add(f"compare_weaker_{d}", "tag:weaker", *base, {lt: {"new": {"$m": "reference"}}})
        add(f"compare_equal_{d}", "tag:equal", *base, {"$eq": {"new": {"$m": "reference"}}})
    none = (m, {"has_reference": 1}, {"direction": "none"})
    add("materiality_unchanged_none", "met", *none, {"$eq": {"new": {"$m": "reference"}}})
    add("materiality_justified_none", "met", *none, {"$neq": {"new": {"$m": "reference"}}}, {"justified": 1})
    add("materiality_unjustified_none", "not_met", *none, {"$neq": {"new": {"$m": "reference"}}}, {"justified": 0})
    add("compare_equal_none", "tag:equal", *none, {"$eq": {"new": {"$m": "reference"}}})
    add("compare_changed_none", "tag:weaker", *none, {"$neq": {"new": {"$m": "reference"}}})

    removed = (m, {"has_reference": 1}, {"direction": "removed"})
    add("materiality_removal_justified", "met", *removed, {"justified": 1})
    add("materiality_removal_unjustified", "not_met", *removed, {"justified": 0})
    add("compare_removed", "tag:weaker", *removed)

    _floor_rules(add, "floor", missing_outcome="not_applicable")

    q = {"condition": "quarter_boundary"}
    on_boundary = {"$or": [{"month": 1}, {"month": 4}, {"month": 7}, {"month": 10}]}
    add("quarter_boundary", "met", q, {"day": 1}, on_boundary)
    add("not_first_day_of_month", "not_met", q, {"$neq": {"day": 1}})
    add("not_a_quarter_month", "not_met", q, {"$neq": {"month": 1}}, {"$neq": {"month": 4}}, {"$neq": {"month": 7}},
        {"$neq": {"month": 10}})

    add("recorded_in_contract_file", "met", {"condition": "recorded"}, {"ok": 1})
    add("no_contract_file_reference", "not_met", {"condition": "recorded"}, {"ok": 0})

    nr = {"condition": "not_retroactive"}
    add("effective_after_consent", "met", nr, {"known": 1}, {"$gte": {"effective": {"$m": "consent"}}})
    add("effective_before_consent", "not_met", nr, {"known": 1}, {"$lt": {"effective": {"$m": "consent"}}})
    add("consent_date_unknown", "not_applicable", nr, {"known": 0})

    add("goal_untouched", "met", {"condition": "goal_fixed"}, {"changes_goal": 0})
    add("goal_change_not_allowed", "not_met", {"condition": "goal_fixed"}, {"changes_goal": 1})

    for cond, ok_name, bad_name in (("same_goal", "kpi_under_the_goal", "kpi_under_another_goal"),
                                    ("composition", "composition_consistent", "composition_inconsistent")):
        add(f"{cond}_not_applicable", "not_applicable", {"condition": cond}, {"applicable": 0})
        add(ok_name, "met", {"condition": cond}, {"applicable": 1}, {"ok": 1})
        add(bad_name, "not_met", {"condition": cond}, {"applicable": 1}, {"ok": 0})

    u = {"condition": "unambiguous"}
    add("no_clause_to_set", "not_applicable", u, {"applicable": 0})
    add("no_other_entry_sets_the_clause", "met", u, {"applicable": 1}, {"ok": 1})
    add("another_entry_sets_the_clause", "not_met", u, {"applicable": 1}, {"ok": 0})

    mr = {"condition": "minimum_requirement"}
    add("no_kpi_dropped", "not_applicable", mr, {"applicable": 0})
    add("not_a_minimum_requirement", "met", mr, {"applicable": 1}, {"level": "no"})
    add("minimum_requirement_dropped", "not_met", mr, {"applicable": 1}, {"level": "yes"})
    add("contract_requirement_dropped", "not_met", mr, {"applicable": 1}, {"level": "contract_requirement"})

    add("norm_complete", "met", {"condition": "norm_complete"}, {"ok": 1})
    add("norm_incomplete", "not_met", {"condition": "norm_complete"}, {"ok": 0})

    g = {"condition": "goal_not_empty"}
    add("goal_not_empty_not_applicable", "not_applicable", g, {"applicable": 0})
    add("goal_without_kpis_by_design", "not_applicable", g, {"applicable": 1}, {"by_design": 0})
    add("goal_keeps_kpis", "met", g, {"applicable": 1}, {"by_design": 1}, {"$gt": {"kpis_after": 0}})
    add("goal_left_without_kpis", "not_met", g, {"applicable": 1}, {"by_design": 1}, {"kpis_after": 0})

    p = {"condition": "price_claim"}
    add("no_price_claim", "not_applicable", p, {"claimed": 0})
    add("price_claim_on_stricter_norm", "met", p, {"claimed": 1}, {"weaker": 0},
        {"$or": [{"$gt": {"stricter": 0}}, {"new_obligation": 1}]})
    add("price_claim_norm_not_stricter", "not_met", p, {"claimed": 1}, {"stricter": 0}, {"new_obligation": 0})
    add("price_claim_norm_partly_weaker", "not_met", p, {"claimed": 1}, {"$gt": {"weaker": 0}})

    r["catch_all"] = {"all": [{"m": {"$ex": {"kind": 1}}}], "run": col.action("catch_all", "none")}
    return r


def _floor_rules(add: Callable[..., None], condition: str, missing_outcome: str) -> None:
    f = {"condition": condition}
    add(f"{condition}_unknown", missing_outcome, f, {"has_floor": 0})
    for d in _directions():
        ge, lt, _ = _CMP[d]
        add(f"{condition}_respected_{d}", "met", f, {"has_floor": 1}, {"direction": d}, {ge: {"new": {"$m": "floor"}}})
        add(f"{condition}_below_{d}", "not_met", f, {"has_floor": 1}, {"direction": d}, {lt: {"new": {"$m": "floor"}}})
    add(f"{condition}_equal_none", "met", f, {"has_floor": 1}, {"direction": "none"}, {"$eq": {"new": {"$m": "floor"}}})
    add(f"{condition}_differs_none", "not_met", f, {"has_floor": 1}, {"direction": "none"},
        {"$neq": {"new": {"$m": "floor"}}})


def tender_rules(col: Any) -> dict[str, dict]:
    """Rules for the supplier's norm sheet (annex 12b) under §2, §2.1 and §3."""
    r: dict[str, dict] = {}

    def add(name: str, outcome: str, *conds: dict) -> None:
        r[name] = {"all": _when(*conds), "run": col.action(name, outcome)}

    add("norm_to_fill_in", "met", {"condition": "tender_known"}, {"ok": 1})
    add("not_a_norm_to_fill_in", "not_met", {"condition": "tender_known"}, {"ok": 0})
    add("norm_filled_in", "met", {"condition": "tender_present"}, {"ok": 1})
    add("norm_missing", "not_met", {"condition": "tender_present"}, {"ok": 0})
    _floor_rules(add, "tender_floor", missing_outcome="not_met")

    w = ({"condition": "service_window"}, {"offered": 1})
    add("window_not_offered_minimum_applies", "not_applicable", {"condition": "service_window"}, {"offered": 0})
    add("window_contains_business_hours", "met", *w, {"present": 1}, {"$lte": {"open_min": 480}},
        {"$gte": {"close_min": 1080}})
    add("window_closed_on_working_day", "not_met", *w, {"present": 0})
    add("window_opens_after_0800", "not_met", *w, {"present": 1}, {"$gt": {"open_min": 480}})
    add("window_closes_before_1800", "not_met", *w, {"present": 1}, {"$lt": {"close_min": 1080}})

    d = {"condition": "declaration"}
    add("declaration_given", "met", d, {"present": 1}, {"verbatim": 1}, {"signed": 1}, {"dated": 1})
    add("declaration_missing", "not_met", d, {"present": 0})
    add("declaration_text_differs", "not_met", d, {"present": 1}, {"verbatim": 0})
    add("declaration_unsigned", "not_met", d, {"present": 1}, {"signed": 0})
    add("declaration_undated", "not_met", d, {"present": 1}, {"dated": 0})

    r["catch_all"] = {"all": [{"m": {"$ex": {"kind": 1}}}], "run": col.action("catch_all", "none")}
    return r
