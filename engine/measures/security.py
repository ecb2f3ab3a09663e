"""Security measures: CVSS ≥ 8 remediation within term (joined with the exception register), patch compliance,
the exception register itself (complete and re-evaluated in time) and device compliance (Conditional Access)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..details import JOIN, detail, frame, missing_text
from ..model import Breach, Measurement, NormInForce, Rule, Waiver
from ..periods import Period
from ..timeparse import NAT, local_midnight
from ..reasons import reason
from .common import (MeasureContext, check_evidence, insufficient, iso_many, known_col, make_breaches, percent,
                     window_rows)
from .registry import MeasureDef


def calendar_deadlines(ctx: MeasureContext, identified: np.ndarray, term_days: np.ndarray) -> np.ndarray:
    """End of a term of calendar days: local midnight after the last allowed day (the start's local day + term)."""
    days = (identified + _offsets(ctx, identified)) // 86400 + term_days + 1
    unique, index = np.unique(days, return_inverse=True)  # few distinct days: each local midnight computed once
    midnights = np.asarray([local_midnight(date(1970, 1, 1) + timedelta(days=d), ctx.tz) for d in unique.tolist()],
                           dtype=np.int64)
    return midnights[index.reshape(-1)] if len(days) else np.empty(0, dtype=np.int64)


def _offsets(ctx: MeasureContext, instants: np.ndarray) -> np.ndarray:
    """UTC offset (s) of each instant in the contract's zone, so day numbers are local days (looked up once per
    distinct hour: offsets change on the hour)."""
    instants = np.asarray(instants, dtype=np.int64)
    hours, first, index = np.unique(instants // 3600, return_index=True, return_inverse=True)
    offsets = np.asarray([int(datetime.fromtimestamp(t, tz=timezone.utc).astimezone(ctx.tz).utcoffset()
                              .total_seconds()) for t in instants[first].tolist()], dtype=np.int64)
    return offsets[index.reshape(-1)] if len(hours) else np.empty(0, dtype=np.int64)


def cvss_remediation(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Findings with CVSS ≥ threshold whose remediation term ends in the period: mitigated in time, or covered by
    a formal exception in force when the term ended (a waiver: shown, counted as compliant, never hidden)."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["vulnerabilities", "security_exceptions"], period)) is not None:
        return missing
    vul = ctx.bundle.table("vulnerabilities")
    exc = ctx.bundle.table("security_exceptions")
    severe, terms, deadline = ctx.memo(("cvss_deadlines",), rule, lambda: _deadlines(ctx, vul, p))
    w0, w1 = ctx.window(period)
    due = (deadline > w0) & (deadline <= w1)
    rows, deadline, terms = severe[due], deadline[due], terms[due]
    mitigated = known_col(ctx, vul, "mitigated_at")[rows]  # a mitigation after the as-of time is not known yet
    in_time = (mitigated != NAT) & (mitigated <= deadline)
    exceptions = {str(i): k for k, i in enumerate(exc.ids)}
    refs = vul.col("exception_id")[rows]
    covered = _covered(ctx, exc, exceptions, refs, deadline, ~in_time)
    breaches, waivers = [], []
    ok = 0
    for i, row in enumerate(rows.tolist()):
        rid = str(vul.ids[row])
        if in_time[i]:
            ok += 1
            continue
        ref = refs[i]
        if ref:
            if str(ref) not in exceptions:
                breaches.append(Breach(rid, detail("exception_unknown", exception=ref)))
                continue
            if covered[i]:
                ok += 1
                waivers.append(Waiver(rid, detail("waived", term=terms[i]), str(ref)))
                continue
            breaches.append(Breach(rid, detail("exception_not_in_force", exception=ref)))
            continue
        cvss = format(vul.col("cvss")[row], "g")
        breaches.append(Breach(rid, detail("not_mitigated", cvss=cvss, term=terms[i]) if mitigated[i] == NAT
                               else detail("mitigated_late", cvss=cvss, term=terms[i],
                                           mitigated=ctx.iso(int(mitigated[i])))))
    return Measurement(metrics={"mitigated_share": percent(ok, len(rows))}, population=len(rows),
                       breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
                       waived=tuple(sorted(waivers, key=lambda w: w.record_id)),
                       notes=(f"{len(rows)} finding(s) with CVSS ≥ {p['min_cvss']} whose term ended in {period.label}",))


def _covered(ctx: MeasureContext, exc, exceptions: Mapping[str, int], refs: np.ndarray, deadline: np.ndarray,
             late: np.ndarray) -> np.ndarray:
    """Per finding: late and referring to a register entry in force on the last day of its term (one ``in_force``
    call for all of them)."""
    covered = np.zeros(len(refs), dtype=bool)
    picked = [i for i, ref in enumerate(refs.tolist()) if late[i] and ref and str(ref) in exceptions]
    if picked:
        k = np.asarray([exceptions[str(refs[i])] for i in picked], dtype=np.int64)
        last_day = np.asarray([_local_day(ctx, int(deadline[i]) - 1) for i in picked], dtype=np.int64)
        covered[picked] = in_force(exc, last_day, last_day, k)
    return covered


def _deadlines(ctx: MeasureContext, vul, p: Mapping) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The severe findings, their terms and the end of each term: the same for every period, made once per audit."""
    severe = np.flatnonzero(vul.col("cvss") >= float(p["min_cvss"]))
    terms = vul.col("remediation_term_days")[severe]
    terms = np.where(np.isnan(terms), float(p["term_days"]), terms).astype(np.int64)
    return severe, terms, calendar_deadlines(ctx, vul.col("identified_at")[severe], terms)


def _local_day(ctx: MeasureContext, instant: int) -> int:
    """Ordinal of the local calendar day of an instant (register dates are ordinals too)."""
    return datetime.fromtimestamp(instant, tz=timezone.utc).astimezone(ctx.tz).date().toordinal()


def _codes(values: np.ndarray) -> tuple[Sequence[str], np.ndarray, np.ndarray, list[str]]:
    """Each value as text (the values themselves when all are text), an integer per distinct text (counting
    distinct integers is cheap numpy), each integer's rank in text order (so values sort by their text without
    sorting text again), and the distinct texts (integer → text)."""
    text: Sequence[str] = values
    try:  # Arrow takes only text here (a number or a None is made text below, as str() writes it)
        coded = pa.array(values, type=pa.string())
        if coded.null_count:
            raise pa.ArrowTypeError("None")
    except (pa.ArrowException, UnicodeEncodeError):
        text = list(map(str, values.tolist()))
        try:
            coded = pa.array(text, type=pa.string())
        except (pa.ArrowException, UnicodeEncodeError):  # a lone surrogate is no UTF-8
            coded = None
    if coded is not None:  # Arrow numbers texts in order of first appearance too, and sorts UTF-8 as Python does
        coded = coded.dictionary_encode()
        code = coded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        distinct = coded.dictionary.to_pylist()
        order = pc.sort_indices(coded.dictionary).to_numpy().astype(np.int64, copy=False)
    else:
        index: dict[str, int] = {}
        code = np.asarray([index.setdefault(v, len(index)) for v in text], dtype=np.int64)
        distinct = list(index)
        order = np.asarray(sorted(range(len(distinct)), key=distinct.__getitem__), dtype=np.int64)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    return text, code, rank, distinct


def patch_compliance(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of managed components with every security patch that was due in, or overdue during, the period
    installed by its deadline."""
    if (missing := check_evidence(ctx, ["patch_states"], period)) is not None:
        return missing
    t = ctx.bundle.table("patch_states")
    w0, w1 = ctx.window(period)
    due, inst = t.col("due_at"), known_col(ctx, t, "installed_at")  # an installation after as-of: not yet
    late = ctx.memo(("patch_late",), t, lambda: (inst == NAT) | (inst > due))
    due_in = (due >= w0) & (due < w1)
    # still missing at the period's first instant: one installed at that very instant is in place for all of it
    overdue_during = (due < w0) & late & ((inst == NAT) | (inst > w0))
    relevant = due_in | overdue_during
    comp, code, rank, _ = ctx.memo(("component_codes",), t, lambda: _codes(t.col("component_id")))
    n = int(np.count_nonzero(np.bincount(code[relevant], minlength=1)))
    bad = np.flatnonzero(relevant & late)
    group = rank[code[bad]]
    order = np.argsort(group, kind="stable")  # by component text; a component's patches in file order
    bad, group = bad[order], group[order]
    texts = _patch_texts(ctx, t, bad)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]).tolist() if len(bad) else []
    firsts = bad[starts].tolist()
    breaches = make_breaches([comp[r] for r in firsts],  # one per component: its late patches' texts joined
                             [JOIN.join(texts[a:b]) for a, b in zip(starts, starts[1:] + [len(bad)])])
    return Measurement(metrics={"compliant_share": percent(n - len(breaches), n)}, population=n, breaches=breaches,
                       notes=(f"{n} managed component(s) with a patch due or overdue in {period.label}",))


def _patch_texts(ctx: MeasureContext, t, rows: np.ndarray) -> list[str]:
    """How each late patch reads ("KB123 due …, installed …"): the same in every period, so made once per audit."""
    said: dict[int, str] = ctx.memo(("patch_detail",), t, dict)
    todo = np.asarray([r for r in rows.tolist() if r not in said], dtype=np.int64)
    if len(todo):
        inst = known_col(ctx, t, "installed_at")[todo]
        installed = iso_many(ctx, inst)
        for r, p, d, i, when in zip(todo.tolist(), t.col("patch_id")[todo].tolist(),
                                    iso_many(ctx, t.col("due_at")[todo]), (inst == NAT).tolist(), installed):
            said[r] = detail("patch_not_installed", patch=p, due=d) if i else detail("patch_late", patch=p, due=d,
                                                                                        installed=when)
    return [said[r] for r in rows.tolist()]


def _filled(values: np.ndarray) -> np.ndarray:
    return np.asarray([isinstance(v, str) and bool(v.strip()) for v in values], dtype=bool)


def withdrawn_by(t, day: int | np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Per exception (of ``rows``, or all): no longer in force on ``day`` (a day ordinal, or one per row) because
    it was withdrawn: on or before that day (``withdrawn_on``: no longer in force that day), or marked withdrawn
    without a date (then when it ended is unknown)."""
    gone = t.col("withdrawn_on") if rows is None else t.col("withdrawn_on")[rows]
    status = t.col("status") if rows is None else t.col("status")[rows]
    return ((gone != NAT) & (gone <= day)) | ((status == "withdrawn") & (gone == NAT))


def in_force(t, first: int | np.ndarray, last: int | np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Per exception (of ``rows``, or all): in force on some day of [first, last] (day ordinals, or one pair per
    row): valid from on or before ``last``, not expired before ``first``, not withdrawn by ``first``."""
    frm = t.col("valid_from") if rows is None else t.col("valid_from")[rows]
    until = t.col("expires_on") if rows is None else t.col("expires_on")[rows]
    return (frm <= last) & ((until == NAT) | (until >= first)) & ~withdrawn_by(t, first, rows)


def exception_register(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Completeness of the exceptions in force at some day of the period (reason, compensating control and
    herijkdatum present) and timeliness of the re-evaluations whose last allowed day falls in the period (the
    herijkdatum, or the day before the vervaldatum when that is earlier; no herijkdatum: the day before it)."""
    if (missing := check_evidence(ctx, ["security_exceptions"], period)) is not None:
        return missing
    t = ctx.bundle.table("security_exceptions")
    first, last = period.first.toordinal(), period.last.toordinal()
    until = t.col("expires_on")
    lacks = {"reason": ~_filled(t.col("reason")), "compensating control": ~_filled(t.col("compensating_control")),
             "herijkdatum": t.col("reeval_date") == NAT}
    findings: dict[str, list[str]] = {}
    rows = np.flatnonzero(in_force(t, first, last))
    n_complete = 0
    for r in rows.tolist():
        gaps = [name for name, mask in lacks.items() if mask[r]]
        if gaps:
            findings.setdefault(str(t.ids[r]), []).append(detail("exception_incomplete", missing=missing_text(gaps)))
        else:
            n_complete += 1
    owners, limits, done = [], [], []  # the re-evaluations whose last allowed day falls in the period
    for r, history in enumerate(t.cols.get("reevaluation_list", np.empty(0, dtype=object)).tolist()):
        for due_on, done_on in history.pairs:
            if due_on == NAT and until[r] == NAT:
                continue
            limit = min(d for d in (due_on, until[r] - 1 if until[r] != NAT else NAT) if d != NAT)
            if first <= limit <= last:
                owners.append(r)
                limits.append(limit)
                done.append(done_on)
    ended = withdrawn_by(t, np.asarray(limits, dtype=np.int64), np.asarray(owners, dtype=np.int64)).tolist()
    due = timely = 0
    for r, limit, done_on, gone in zip(owners, limits, done, ended):
        if gone:  # withdrawn by its last allowed day: no re-evaluation was due
            continue
        due += 1
        if done_on != NAT and done_on <= limit:
            timely += 1
            continue
        due_by = date.fromordinal(int(limit))
        findings.setdefault(str(t.ids[r]), []).append(
            detail("not_reevaluated", due=due_by) if done_on == NAT
            else detail("reevaluated_late", done=date.fromordinal(int(done_on)), due=due_by))
    breaches = tuple(Breach(k, JOIN.join(v)) for k, v in sorted(findings.items()))
    return Measurement(metrics={"complete_share": percent(n_complete, len(rows)), "reevaluated_share": percent(timely, due)},
                       population=len(rows), breaches=breaches,
                       notes=(f"{len(rows)} exception(s) in force in {period.label}, {n_complete} complete",
                              f"{due} re-evaluation(s) due in {period.label}, {timely} in time"))


def device_compliance(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of devices compliant in their last snapshot of the period (the state the period ends with); of two
    snapshots of one device on that day the non-compliant one counts."""
    if (missing := check_evidence(ctx, ["device_compliance"], period)) is not None:
        return missing
    t = ctx.bundle.table("device_compliance")
    day = t.col("snapshot_date")
    rows = window_rows(ctx, t, rule.measure.params.get("where"), "snapshot_date", period.first.toordinal(),
                       period.last.toordinal() + 1)
    if len(rows) == 0:
        return insufficient(reason("no_device_snapshot", period=period.label))
    # once per audit: the device ids in text order with each row's rank among them, and which rows are not
    # compliant (a period's devices keep that order, so its ranks sort and group as its own would)
    devices, rank, not_true = ctx.memo(("device_ranks",), t, lambda: _device_ranks(t))
    group, bad = rank[rows], not_true[rows]
    order = np.lexsort((bad, day[rows], group))
    last_of = order[np.r_[group[order][1:] != group[order][:-1], True]]  # the last row of each device
    picked = rows[last_of]
    failing = bad[last_of]
    reasons = t.col("noncompliance_reason")
    # a snapshot reads the same in every period: its breach is made once per audit, kept by row
    made = ctx.memo(("device_breach",), t, lambda: np.full(len(t), None, dtype=object))
    failed = picked[failing]
    out = made[failed]
    todo = np.flatnonzero(np.equal(out, None))
    if len(todo):
        new_rows = failed[todo]
        days = day[new_rows].tolist()
        said = {d: (detail("device", day=date.fromordinal(int(d))),
                    frame("device_reason", "reason", day=date.fromordinal(int(d)))) for d in set(days)}
        new = np.fromiter(make_breaches([devices[g] for g in group[last_of[failing]][todo].tolist()],
                                        [f"{said[d][1][0]}{reason}{said[d][1][1]}" if reason else said[d][0]
                                         for d, reason in zip(days, reasons[new_rows].tolist())]),
                          dtype=object, count=len(todo))
        made[new_rows] = new
        out[todo] = new
    breaches = tuple(out.tolist())
    n = len(last_of)
    return Measurement(metrics={"compliant_share": percent(n - len(breaches), n)}, population=n, breaches=breaches,
                       notes=(f"{n} device(s) with a snapshot in {period.label}; last snapshot per device counts",))


def _device_ranks(t) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The device ids in text order, each row's rank among them, and which rows are not compliant (anything but
    ``true``): hashed once per audit rather than sorting every snapshot's text."""
    _, code, code_rank, distinct = _codes(t.col("device_id"))
    devices = [""] * len(distinct)
    for text, r in zip(distinct, code_rank.tolist()):
        devices[r] = text
    return devices, code_rank[code], np.asarray([v is not True for v in t.col("compliant").tolist()], dtype=bool)


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
    MeasureDef(
        id="exception_register", func=exception_register, documents=("security_exceptions",),
        metrics=("complete_share", "reevaluated_share"),
        params_schema={"type": "object", "additionalProperties": False, "properties": {}},
        doc="exceptions in force that are complete; re-evaluations due in the period done by their last allowed day"),
    MeasureDef(
        id="device_compliance", func=device_compliance, documents=("device_compliance",), metrics=("compliant_share",),
        params_schema={"type": "object", "additionalProperties": False, "properties": {"where": {"type": "array"}}},
        doc="share of devices compliant in their last snapshot of the period"),
)
