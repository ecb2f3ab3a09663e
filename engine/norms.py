"""The norm in force: which threshold applies to a rule's clause in a period, and where it came from.

Order of precedence: the annex (client norms, client floors), then the supplier's tendered norm (a supplier
norm, or a stricter value above a client floor), then the register of agreed changes (annex 12a §2.2) in force
on the first day of the period. Contract settings with a tendered or register value weaker than the buyer's
floor are refused when loaded (``floor_problems``); should one reach ``tendered_norm`` anyway, the floor applies.

A period is judged against the norm in force on its first day. Register entries take effect on quarter
boundaries, so a month or a quarter never straddles a change; a year (or a multi-quarter view) keeps the norm of
its first day, and a later change first applies to the next period of that cadence. An earlier period's result
therefore never changes when a norm is changed.

The register can also add a KPI to a goal or remove one (``change: add_kpi | remove_kpi | replace_kpi``): a KPI
added by the register is judged from its effective date on, a removed one only before it (``kpi_not_in_force``).
"""
from __future__ import annotations

import functools
from datetime import date
from typing import Any, Mapping

from . import operators, resources
from .errors import Problem
from .model import Clause, NormInForce, NormStatus, PerRecordLimit, Rule
from .reasons import Reason, reason
from .settings import Contract

#: register change kinds and what they do to the KPI set
ADDS = ("add_kpi", "replace_kpi")
REMOVES = ("remove_kpi",)


def buyer_floor(rule: Rule, clause: Clause, contract: Contract) -> tuple[float | None, float | None, str]:
    """The buyer's floor of a clause: (threshold floor, per-record floor, where it is set).

    "Minimumeis + invulling leverancier": the annex's floor (the clause's ``floor``; for a per-record norm such
    as "≤ 15 werkdagen" the annex's per-record limit). "Leverancier": the "door de Aanbestedende dienst
    vastgestelde minimumdrempel", which the annex text does not state: a contract setting
    (``change_control.tender_floors``) unless the rule file gives it. A client norm has no separate floor.
    """
    annex_pr = clause.per_record.limit if clause.per_record is not None else None
    if rule.norm_status is NormStatus.CLIENT_FLOOR_SUPPLIER:
        return clause.floor, annex_pr, "annex"
    if rule.norm_status is NormStatus.SUPPLIER:
        f = (((contract.data.get("change_control") or {}).get("tender_floors") or {}).get(rule.id) or {}).get(clause.id) or {}
        t = clause.floor if clause.floor is not None else f.get("threshold")
        pr = annex_pr if annex_pr is not None else (f.get("per_record") or {}).get("limit")
        from_settings = (clause.floor is None and t is not None) or (annex_pr is None and pr is not None)
        return t, pr, "contract settings (change_control.tender_floors)" if from_settings else "annex"
    return None, None, "none (client norm)"


def tendered_norm(rule: Rule, clause: Clause, contract: Contract) -> tuple[float | None, PerRecordLimit | None, str]:
    """The norm as contracted at award (annex + tender, never the register): §2.2's "bij inschrijving opgegeven
    norm", the reference a change is measured against."""
    threshold, per_record, origin = clause.threshold, clause.per_record, "annex"
    floor_t, floor_pr, floor_src = buyer_floor(rule, clause, contract)
    weaker = ("annex floor" if floor_src == "annex" else "buyer's floor (contract settings)") + \
        " (tendered value is weaker)"
    tender = contract.tendered(rule.id, clause.id) if rule.norm_status is not NormStatus.CLIENT else None
    if threshold is None and floor_t is not None and rule.norm_status is NormStatus.CLIENT_FLOOR_SUPPLIER:
        threshold, origin = floor_t, "annex floor"
    if tender:
        t = tender.get("threshold")
        if t is not None:
            if floor_t is None or operators.is_stricter_or_equal(clause.op, t, floor_t):
                threshold, origin = t, "tender"
            else:
                threshold, origin = floor_t, weaker
        pr = tender.get("per_record")
        if pr:
            op = per_record.op if per_record is not None else "<="
            unit = pr.get("unit") or (per_record.unit if per_record is not None else "business_h")
            if floor_pr is None or operators.is_stricter_or_equal(op, pr["limit"], floor_pr):
                per_record, origin = PerRecordLimit(op, pr["limit"], unit), "tender"
            elif per_record is None or per_record.limit is None:  # never no limit at all: the floor holds
                per_record, origin = PerRecordLimit(op, floor_pr, unit), weaker
    return threshold, per_record, origin


def percentage_ok(clause: Clause, threshold: float) -> bool:
    """A threshold of a clause measured in % lies in 0..100 (a norm of 150 % can never be met nor be meant)."""
    return clause.unit != "%" or 0 <= threshold <= 100


def floor_problems(doc: Mapping[str, Any], source: str, catalogue: Any) -> list[Problem]:
    """Every tendered norm and register value weaker than the buyer's floor (or a percentage outside 0..100),
    located at its JSON path.

    Annex 12a §2: "Inschrijvers kunnen uitsluitend een norm opgeven die gelijk aan of beter is dan deze drempel";
    such settings are refused when loaded rather than silently replaced by the floor in an audit.
    """
    contract = Contract(str(doc.get("contract_id")), source, "", doc)
    out: list[Problem] = []

    def check(rule_id: str, clause_id: str, values: Mapping[str, Any], where: str, what: str, record: str | None):
        rule = catalogue.rules.get(rule_id)
        clause = next((c for c in rule.norm.clauses if c.id == clause_id), None) if rule else None
        if clause is None or not isinstance(values, Mapping):
            return
        threshold = values.get("threshold")
        if threshold is not None and not percentage_ok(clause, threshold):  # a client norm changed by the register too
            out.append(Problem(source, f"{what} threshold {threshold:g} % of {rule_id}/{clause_id} is not a "
                               "percentage (expected 0 to 100)", record=record, field=where + ".threshold"))
        if rule.norm_status is NormStatus.CLIENT:
            return
        floor_t, floor_pr, floor_src = buyer_floor(rule, clause, contract)
        pr = values.get("per_record") or {}
        parts = [("threshold", threshold, clause.op, floor_t, where + ".threshold"),
                 ("per-record limit", pr.get("limit"), clause.per_record.op if clause.per_record else "<=", floor_pr,
                  where + ".per_record.limit")]
        for part, value, op, floor, field in parts:
            if value is None or floor is None or operators.is_stricter_or_equal(op, value, floor):
                continue
            direction = operators.get(op).stricter
            how = f"a {direction} value is stricter" if direction else "only the floor's value itself is allowed"
            out.append(Problem(source, f"{what} {part} {value:g} of {rule_id}/{clause_id} is weaker than the buyer's "
                               f"floor {floor:g} (set in the {floor_src}; '{op}': {how}); annex 12a §2 allows only a "
                               "norm equal to or better than the floor", record=record, field=field))

    for rid, clauses in (doc.get("tendered_norms") or {}).items():
        for cid, values in (clauses or {}).items():
            check(rid, cid, values, f"$.tendered_norms.{rid}.{cid}", "tendered", None)
    for i, e in enumerate(doc.get("norm_register") or []):
        for cid, values in (e.get("clauses") or {}).items():
            check(e.get("rule"), cid, values, f"$.norm_register[{i}].clauses.{cid}", "register", f"entry {e.get('id')}")
    return out


def register_entries(contract: Contract, rule_id: str, first_day: date) -> list[Mapping[str, Any]]:
    """Entries for ``rule_id`` in force on ``first_day``, in the order they apply (effective date, then list order)."""
    entries = [(str(e.get("effective_from")), i, e) for i, e in enumerate(contract.register)
               if e.get("rule") == rule_id and str(e.get("effective_from")) <= first_day.isoformat()]
    return [e for _, _, e in sorted(entries, key=lambda x: (x[0], x[1]))]


def norms_in_force(rule: Rule, contract: Contract, first_day: date) -> dict[str, NormInForce]:
    """Clause id → the norm that applies to a period starting on ``first_day``."""
    out: dict[str, NormInForce] = {}
    entries = register_entries(contract, rule.id, first_day)
    for clause in rule.norm.clauses:
        threshold, per_record, origin = tendered_norm(rule, clause, contract)
        for entry in entries:
            change = (entry.get("clauses") or {}).get(clause.id)
            if not change:
                continue
            if change.get("threshold") is not None:
                threshold = change["threshold"]
            pr = change.get("per_record")
            if pr:
                op = per_record.op if per_record is not None else "<="
                unit = pr.get("unit") or (per_record.unit if per_record is not None else "business_h")
                per_record = PerRecordLimit(op, pr["limit"], unit)
            origin = f"register:{entry.get('id')}"
        out[clause.id] = NormInForce(clause, threshold, per_record, origin)
    return out


def adding(rule_id: str, contract: Contract) -> list[tuple[int, Mapping[str, Any]]]:
    """(list position, entry) of every register entry that adds the KPI (``add_kpi``, or a ``replace_kpi`` that
    puts it in), in register order."""
    return [(i, e) for i, e in enumerate(contract.register) if e.get("change") in ADDS and e.get("rule") == rule_id]


def _events(rule_id: str, contract: Contract) -> list[tuple[str, int, str, Mapping[str, Any]]]:
    """(effective date, list position, "add" | "remove", entry) for every register entry that adds or removes it."""
    removing = [(i, e) for i, e in enumerate(contract.register)
                if (e.get("change") in REMOVES and e.get("rule") == rule_id)
                or (e.get("change") == "replace_kpi" and e.get("replaces") == rule_id)]
    out = [(str(e.get("effective_from")), i, "add", e) for i, e in adding(rule_id, contract)]
    out += [(str(e.get("effective_from")), i, "remove", e) for i, e in removing]
    return sorted(out, key=lambda x: (x[0], x[1]))  # stable: an entry's add before its remove


def kpi_not_in_force(rule: Rule, contract: Contract, first_day: date) -> Reason | None:
    """Why the KPI is not part of its goal's KPI set on ``first_day`` (``None`` when it is), as a reason code so
    that the report and change control word it in their language.

    The last register entry on or before that day that adds or removes the KPI decides; a KPI that the register
    adds later is not judged before that entry's effective date.
    """
    events = _events(rule.id, contract)
    past = [ev for ev in events if ev[0] <= first_day.isoformat()]
    if past:
        when, _, what, entry = past[-1]
        if what == "remove":
            return reason("kpi_removed", goal=rule.goal, entry=entry.get("id"), date=when)
        return None
    future_adds = [ev for ev in events if ev[2] == "add"]
    if future_adds:
        when, _, _, entry = future_adds[0]
        return reason("kpi_not_added_yet", goal=rule.goal, entry=entry.get("id"), date=when)
    if rule.id not in annex_kpis():
        return reason("kpi_new_rule_file", goal=rule.goal)
    return None


@functools.lru_cache(maxsize=1)
def annex_kpis() -> frozenset[str]:
    """Rule ids of the built-in rules folder: exactly one per KPI row of the annex (tests/test_traceability.py),
    so the KPIs of the contract from award on. Any other rule file is a new KPI until a register entry adds it
    (annex §1: "Wijziging vereist instemming van beide partijen via de governance-cadans")."""
    from .rulefiles import rule_files  # rule files read measures, which read norms: imported when first asked

    return frozenset(path.stem for path in rule_files(resources.rules_dir()))


def added_by(rule: Rule, contract: Contract, day: date) -> Mapping[str, Any] | None:
    """The register entry that makes the KPI part of its goal on ``day`` (``None`` when no entry in force added it)."""
    past = [ev for ev in _events(rule.id, contract) if ev[0] <= day.isoformat()]
    return past[-1][3] if past and past[-1][2] == "add" else None
