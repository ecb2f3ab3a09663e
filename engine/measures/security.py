"""Security measures: CVSS ≥ 8 remediation within term (joined with the exception register), patch compliance."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Mapping

import numpy as np

from ..model import Breach, Measurement, NormInForce, Rule, Waiver
from ..periods import Period
from ..timeparse import NAT, local_midnight
from .common import MeasureContext, check_evidence, percent
from .registry import MeasureDef


def _deadlines(ctx: MeasureContext, identified: np.ndarray, term_days: np.ndarray) -> np.ndarray:
    """End of the term: local midnight after the last allowed calendar day (identified day + term)."""
    out = np.empty(len(identified), dtype=np.int64)
    cache: dict[tuple[int, int], int] = {}
    days = (identified + _offsets(ctx, identified)) // 86400
    for i, (d, t) in enumerate(zip(days.tolist(), term_days.tolist())):
        key = (d, t)
        if key not in cache:
            cache[key] = local_midnight(date(1970, 1, 1) + timedelta(days=d + t + 1), ctx.tz)
        out[i] = cache[key]
    return out


def _offsets(ctx: MeasureContext, instants: np.ndarray) -> np.ndarray:
    """UTC offset (s) of each instant in the contract's zone, so day numbers are local days."""
    cache: dict[int, int] = {}
    out = np.empty(len(instants), dtype=np.int64)
    for i, t in enumerate(instants.tolist()):
        hour = t // 3600
        if hour not in cache:
            cache[hour] = int(datetime.fromtimestamp(t, tz=timezone.utc).astimezone(ctx.tz).utcoffset().total_seconds())
        out[i] = cache[hour]
    return out


def cvss_remediation(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Findings with CVSS ≥ threshold whose remediation term ends in the period: mitigated in time, or covered by
    a formal exception in force when the term ended (a waiver: shown, counted as compliant, never hidden)."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["vulnerabilities", "security_exceptions"], period)) is not None:
        return missing
    vul = ctx.bundle.table("vulnerabilities")
    exc = ctx.bundle.table("security_exceptions")
    severe = np.flatnonzero(vul.col("cvss") >= float(p["min_cvss"]))
    terms = vul.col("remediation_term_days")[severe]
    terms = np.where(np.isnan(terms), float(p["term_days"]), terms).astype(np.int64)
    deadline = _deadlines(ctx, vul.col("identified_at")[severe], terms)
    w0, w1 = ctx.window(period)
    due = (deadline > w0) & (deadline <= w1)
    rows, deadline, terms = severe[due], deadline[due], terms[due]
    mitigated = vul.col("mitigated_at")[rows]
    in_time = (mitigated != NAT) & (mitigated <= deadline)
    exceptions = {str(i): k for k, i in enumerate(exc.ids)}
    breaches, waivers = [], []
    ok = 0
    for i, row in enumerate(rows.tolist()):
        rid = str(vul.ids[row])
        if in_time[i]:
            ok += 1
            continue
        ref = vul.col("exception_id")[row]
        if ref:
            k = exceptions.get(str(ref))
            if k is None:
                breaches.append(Breach(rid, f"exception {ref} is not in the security exception register"))
                continue
            frm = exc.col("valid_from")[k]
            until = exc.col("expires_on")[k]
            status = exc.col("status")[k]
            last_day = _local_day(ctx, int(deadline[i]) - 1)
            in_force = frm <= last_day and (until == NAT or until >= last_day) and status != "withdrawn"
            if in_force:
                ok += 1
                waivers.append(Waiver(rid, f"not mitigated within {terms[i]} days; formal exception in force", str(ref)))
                continue
            breaches.append(Breach(rid, f"exception {ref} was not in force at the end of the term"))
            continue
        when = ctx.iso(int(mitigated[i])) if mitigated[i] != NAT else "not mitigated at as-of"
        breaches.append(Breach(rid, f"CVSS {vul.col('cvss')[row]:g}; term {terms[i]} calendar days; "
                                    f"mitigated: {when}"))
    return Measurement(metrics={"mitigated_share": percent(ok, len(rows))}, population=len(rows),
                       breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
                       waived=tuple(sorted(waivers, key=lambda w: w.record_id)),
                       notes=(f"{len(rows)} finding(s) with CVSS ≥ {p['min_cvss']} whose term ended in {period.label}",))


def _local_day(ctx: MeasureContext, instant: int) -> int:
    """Ordinal of the local calendar day of an instant (register dates are ordinals too)."""
    return datetime.fromtimestamp(instant, tz=timezone.utc).astimezone(ctx.tz).date().toordinal()


def patch_compliance(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of managed components with every security patch that was due in, or overdue during, the period
    installed by its deadline."""
    if (missing := check_evidence(ctx, ["patch_states"], period)) is not None:
        return missing
    t = ctx.bundle.table("patch_states")
    w0, w1 = ctx.window(period)
    due, inst = t.col("due_at"), t.col("installed_at")
    late = (inst == NAT) | (inst > due)
    due_in = (due >= w0) & (due < w1)
    overdue_during = (due < w0) & late & ((inst == NAT) | (inst >= w0))
    relevant = np.flatnonzero(due_in | overdue_during)
    comp = t.col("component_id")
    per_component: dict[str, list[str]] = {}
    for r in relevant.tolist():
        lst = per_component.setdefault(str(comp[r]), [])
        if late[r]:
            when = "not installed" if inst[r] == NAT else f"installed {ctx.iso(int(inst[r]))}"
            lst.append(f"{t.col('patch_id')[r]} due {ctx.iso(int(due[r]))}, {when}")
    breaches = tuple(Breach(c, "; ".join(v)) for c, v in sorted(per_component.items()) if v)
    n = len(per_component)
    return Measurement(metrics={"compliant_share": percent(n - len(breaches), n)}, population=n, breaches=breaches,
                       notes=(f"{n} managed component(s) with a patch due or overdue in {period.label}",))


DEFS = (
    MeasureDef(
        id="cvss_remediation", func=cvss_remediation, documents=("vulnerabilities", "security_exceptions"),
        metrics=("mitigated_share",),
        params_schema={"type": "object", "additionalProperties": False, "required": ["min_cvss", "term_days"],
                       "properties": {"min_cvss": {"type": "number"}, "term_days": {"type": "integer", "minimum": 0}}},
        doc="share of CVSS ≥ N findings mitigated within term or covered by a formal exception"),
    MeasureDef(
        id="patch_compliance", func=patch_compliance, documents=("patch_states",), metrics=("compliant_share",),
        params_schema={"type": "object", "additionalProperties": False, "properties": {}},
        doc="share of managed components with all due security patches installed in time"),
)
