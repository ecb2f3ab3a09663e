"""Reason codes (engine/reasons.py): every code is worded in every language with the same figures, and a reason
made without its figures, or with a code that has no wording, is refused where it is made."""
from __future__ import annotations

import pytest

from engine.reasons import LANGUAGES, WORDING, placeholders, reason, text


@pytest.mark.parametrize("code", sorted(WORDING))
def test_every_code_is_worded_in_every_language_with_the_same_figures(code):
    import string

    fields = {lang: {f for _, f, _, _ in string.Formatter().parse(WORDING[code][lang]) if f} for lang in LANGUAGES}
    assert set(WORDING[code]) == set(LANGUAGES)
    assert all(f == fields["en"] for f in fields.values()), fields
    made = reason(code, **{f: f"<{f}>" for f in placeholders(code)})
    assert all(made.text(lang) for lang in LANGUAGES)


def test_a_reason_without_its_figures_or_wording_is_refused():
    with pytest.raises(KeyError, match="needs \\['period'\\]"):
        reason("no_cases")
    with pytest.raises(KeyError, match="no wording"):
        reason("no_such_code")


def test_several_reasons_read_as_one_sentence():
    why = (reason("no_expected_time", n=2, priority="P3", rule="O1-resolution-p3"),
           reason("no_expected_time", n=1, priority="P4", rule="O1-resolution-p4"))
    assert text(why) == ("2 P3 ticket(s) without a communicated expected resolution time, and O1-resolution-p3 has "
                         "no per-record norm in force; 1 P4 ticket(s) without a communicated expected resolution "
                         "time, and O1-resolution-p4 has no per-record norm in force")
    assert text(why, "nl").startswith("2 P3-ticket(s) zonder gecommuniceerde verwachte oplostijd, en "
                                      "O1-resolution-p3 heeft geen geldende norm per melding; 1 P4-ticket(s)")


def test_dutch_coverage_reasons_read_unambiguously_in_the_annexs_terms():
    """"niet heel 2026-09" also reads as "not very"; the annex says "restoretest", not "hersteltest"."""
    cover = reason("coverage", kind="tickets", spans="2026-01-01..2026-09-30", period="2026-10", first="2026-10-01",
                   last="2026-10-31")
    assert cover.text("nl") == ("de export 'tickets' beslaat 2026-01-01..2026-09-30, niet de hele periode 2026-10 "
                                "(2026-10-01..2026-10-31)")
    restore = reason("restore_window_coverage", spans="2026-01-01..2026-09-30", first="2025-10-01", last="2026-09-30")
    assert restore.text("nl") == ("de export 'restore_tests' beslaat 2026-01-01..2026-09-30, niet het venster van de "
                                  "restoretests 2025-10-01..2026-09-30")
