"""The holiday measure reuses the audit's calendar only when it was made from the very same settings."""
from __future__ import annotations

import datetime as dt

from engine.audit import service_calendar
from engine.calendar import ServiceCalendar
from engine.measures.common import MeasureContext
from engine.measures.service_window import _calendars
from engine.settings import load_contract

ORG = "Stichting ICT Beheer"
GOOD_FRIDAY = dt.date(2026, 4, 3)


def _days(year: int) -> list[dt.date]:
    return [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]


def test_the_audit_calendar_is_reused_for_its_own_organisation():
    contract = load_contract()
    own = service_calendar(contract, ORG)
    ctx = MeasureContext(bundle=None, calendar=own, as_of=0, contract=contract)
    contract_cal, org_cal, invalid = _calendars(ctx, contract.calendar_settings, ORG, contract.source)
    assert invalid is None and org_cal is own and contract_cal is not own
    assert contract_cal.made_from == (contract.calendar_settings, None, contract.source)


def test_a_calendar_made_otherwise_is_not_reused_and_a_new_one_gives_the_same_days():
    contract = load_contract()
    settings = contract.calendar_settings
    for calendar in (ServiceCalendar.from_settings(settings, None, source=contract.source),  # another organisation
                     ServiceCalendar.from_settings(dict(settings), ORG, source=contract.source),  # other settings
                     ServiceCalendar.from_settings(settings, ORG, source="elsewhere.yaml")):  # another source
        ctx = MeasureContext(bundle=None, calendar=calendar, as_of=0, contract=contract)
        _, org_cal, invalid = _calendars(ctx, settings, ORG, contract.source)
        assert invalid is None and org_cal is not calendar
        reused = service_calendar(contract, ORG)
        assert [org_cal.is_working_day(d) for d in _days(2026)] == [reused.is_working_day(d) for d in _days(2026)]
    assert MeasureContext(bundle=None, calendar=None, as_of=0).calendar is None  # a bare context still works
    _, org_cal, _ = _calendars(MeasureContext(bundle=None, calendar=None, as_of=0), settings, ORG, contract.source)
    assert org_cal.made_from == (settings, ORG, contract.source)


def test_an_organisation_override_holds_in_the_reused_calendar():
    contract = load_contract()
    settings = {**contract.calendar_settings, "organisations": {ORG: {"working_holidays": ["Goede vrijdag"]}}}
    own = ServiceCalendar.from_settings(settings, ORG, source=contract.source)
    ctx = MeasureContext(bundle=None, calendar=own, as_of=0, contract=contract)
    contract_cal, org_cal, _ = _calendars(ctx, settings, ORG, contract.source)
    assert org_cal is own
    assert org_cal.is_working_day(GOOD_FRIDAY) and not contract_cal.is_working_day(GOOD_FRIDAY)


def test_a_years_holidays_are_worked_out_once_and_each_caller_gets_its_own_list():
    contract = load_contract()
    cal = service_calendar(contract, ORG)
    first = cal.holidays_between(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert first == [(dt.date(2026, 4, 3), "Goede vrijdag"), (dt.date(2026, 4, 5), "Eerste paasdag"),
                     (dt.date(2026, 4, 6), "Tweede paasdag"), (dt.date(2026, 4, 27), "Koningsdag")]
    first.clear()  # the caller's list: changing it changes nothing the calendar keeps
    assert len(cal.holidays_between(dt.date(2026, 4, 1), dt.date(2026, 4, 30))) == 4
    assert cal._day_status(2026, 2026) is cal._day_status(2026, 2026)
