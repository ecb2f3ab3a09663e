""""Green KPIs, red reality" signals: points for discussion per goal, never failures."""
from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.model import Cadence, ClauseResult, GoalResult, KpiResult, Measurement, MinimumRequirement, Status, Waiver
from engine.signals import SignalSettings, find_signals
from golden.golden_bundle import catalogue as golden_catalogue

CAT = golden_catalogue()


def res(period: str, status: Status, value: float | None, *, op=">=", threshold=90.0, unit="%", population=20,
        pending=0, waived=0, rule="O5-patch-compliance", goal="O5") -> KpiResult:
    clause = ClauseResult("compliant", "compliant_share", value, op, threshold, unit, status, "annex")
    m = Measurement({"compliant_share": value}, population, pending=pending,
                    waived=tuple(Waiver(f"W{n}", "exception", "EXC-1") for n in range(waived)))
    return KpiResult(rule, goal, period, Cadence.MONTHLY, status, (clause,), m, MinimumRequirement.YES)


GOALS = [GoalResult("O5", Status.PASS, False)]


def kinds(results, settings=None):
    return [(s.goal, s.rule, s.kind, s.periods, dict(s.figures)) for s in find_signals(CAT, results, GOALS, settings)]


def test_just_above_norm_in_two_periods():
    got = kinds([res("2026-01", Status.PASS, 90.5), res("2026-02", Status.PASS, 95.0), res("2026-03", Status.PASS, 91.0)])
    assert got == [("O5", "O5-patch-compliance", "near_norm", ("2026-01", "2026-03"),
                    {"n": 2, "total": 3, "margin": 1, "margin_unit": "pp"})]


def test_one_period_near_norm_or_a_perfect_score_is_no_signal():
    assert kinds([res("2026-01", Status.PASS, 90.5), res("2026-02", Status.PASS, 95.0)]) == []
    perfect = [res(p, Status.PASS, 100.0, threshold=100.0) for p in ("2026-01", "2026-02", "2026-03")]
    assert kinds(perfect) == []


def test_near_norm_for_a_count_is_relative_to_the_threshold():
    rows = [res(p, Status.PASS, 19.0, op="<=", threshold=20.0, unit="tickets") for p in ("2026-01", "2026-02")]
    assert kinds(rows)[0][2:] == ("near_norm", ("2026-01", "2026-02"), {"n": 2, "total": 2, "margin": 10, "margin_unit": "pct"})


def test_falling_trend_while_still_passing_and_a_rising_count_for_a_ceiling():
    got = kinds([res("2026-01", Status.PASS, 99.0), res("2026-02", Status.PASS, 97.0), res("2026-03", Status.PASS, 94.0)])
    assert got == [("O5", "O5-patch-compliance", "falling_trend", ("2026-01", "2026-02", "2026-03"),
                    {"clause": "compliant", "start": 99, "end": 94, "steps": 2})]
    up = [res(p, Status.PASS, v, op="<=", threshold=50.0, unit="tickets") for p, v in (("2026-01", 1.0), ("2026-02", 2.0), ("2026-03", 3.0))]
    assert kinds(up)[0][2] == "falling_trend"
    recovered = [res("2026-01", Status.PASS, 99.0), res("2026-02", Status.PASS, 97.0), res("2026-03", Status.PASS, 98.0)]
    assert kinds(recovered) == []
    assert kinds(recovered[:2] + [res("2026-03", Status.PASS, 96.0)], SignalSettings(trend_steps=3)) == []


def test_share_of_no_data_under_a_goal():
    got = kinds([res("2026-01", Status.PASS, 99.0), res("2026-02", Status.NO_DATA, None), res("2026-03", Status.ERROR, None),
                 res("2026-04", Status.PASS, 99.0)])
    assert got == [("O5", "", "no_data", ("2026-02", "2026-03"),
                    {"n": 2, "total": 4, "share": 50, "rules": "O5-patch-compliance"})]
    assert kinds([res("2026-01", Status.PASS, 99.0)] * 3 + [res("2026-04", Status.NO_DATA, None)],
                 SignalSettings(no_data_share=0.3)) == []


def test_pending_and_waived():
    got = kinds([res("2026-01", Status.PASS, 99.0, population=8, pending=2), res("2026-02", Status.PASS, 99.5, population=10, waived=3)])
    # 2 of 20 records pending is 10 %, below the default 20 %; 3 waived findings reach waived_min
    assert got == [("O5", "O5-patch-compliance", "waived", ("2026-02",), {"n": 3, "population": 18})]
    assert [s[2] for s in kinds([res("2026-01", Status.PASS, 99.0, population=8, pending=2)],
                                SignalSettings(pending_share=0.1))] == ["pending"]
    assert kinds([res("2026-01", Status.PASS, 99.0, population=8, pending=2)], SignalSettings(pending_share=0.1))[0][4] == {
        "n": 2, "total": 10, "share": 20}
    assert kinds([res("2026-01", Status.PASS, 99.0, population=100, waived=2)]) == []


def test_signals_never_change_a_status_or_count_as_failures():
    rows = [res("2026-01", Status.PASS, 90.5), res("2026-02", Status.PASS, 90.2)]
    before = [r.status for r in rows]
    assert kinds(rows) and [r.status for r in rows] == before


def test_settings_from_pairs():
    s = SignalSettings.from_pairs(["near_norm_margin=2.5", "trend_steps=3"])
    assert (s.near_norm_margin, s.trend_steps, s.waived_min) == (2.5, 3, 3)
    with pytest.raises(InputError) as err:
        SignalSettings.from_pairs(["trend_steps=-1", "margin"])
    assert [str(p) for p in err.value.problems] == [
        "--signal: 'trend_steps=-1': trend_steps cannot be negative",
        "--signal: 'margin': expected KEY=VALUE with KEY one of near_norm_margin, near_norm_relative, "
        "near_norm_min_periods, trend_steps, no_data_share, pending_share, waived_min, waived_share"]


def test_settings_refuse_non_finite_and_out_of_range_values():
    with pytest.raises(InputError) as err:
        SignalSettings.from_pairs(["near_norm_margin=nan", "near_norm_margin=inf", "near_norm_relative=-inf",
                                   "no_data_share=1.5", "near_norm_margin=101", "trend_steps=10000000000000000"])
    assert [str(p) for p in err.value.problems] == [
        "--signal: 'near_norm_margin=nan': near_norm_margin needs a finite number",
        "--signal: 'near_norm_margin=inf': near_norm_margin needs a finite number",
        "--signal: 'near_norm_relative=-inf': near_norm_relative needs a finite number",
        "--signal: 'no_data_share=1.5': no_data_share cannot be more than 1",
        "--signal: 'near_norm_margin=101': near_norm_margin cannot be more than 100",
        "--signal: 'trend_steps=10000000000000000': trend_steps cannot be more than 10^15"]
    edge = SignalSettings.from_pairs(["no_data_share=1", "near_norm_margin=100", "near_norm_relative=0"])
    assert (edge.no_data_share, edge.near_norm_margin, edge.near_norm_relative) == (1.0, 100.0, 0.0)
