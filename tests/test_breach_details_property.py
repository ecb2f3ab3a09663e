"""Every template of engine/details.py, filled with generated values of each placeholder's kind, is matched back
to itself and worded in Dutch exactly: numbers with a decimal comma (also negative or with an exponent), units in
the report's words (one or other), labels from ``TERMS`` (or as written when not there), unmet conditions and
missing parts in Dutch, and evidence text as it is, whatever it holds (regex and format characters, colons,
digits with units, a ";" at its end, line breaks), but for the "; " that joins findings."""
from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import details
from engine.details import KINDS, MISSING, SIGNS, TERMS, UNITS, WORDING, detail, match, word
from engine.report import labels

NL_UNITS = labels("nl")["units"]
# placeholders the measures fill with a date or a time (ctx.iso, date.isoformat, a "HH:MM"), not free text
DATES = {"day", "due", "done", "eos", "signalled", "changed", "reported", "expected", "at", "deadline", "installed",
         "start", "end", "as_of", "mitigated"}
# templates whose English shape is the same "x: y" (any job status reads as a field's value): either may match,
# and both say it as written (a backup status is an enum without "yes"/"no")
SAME_SHAPE = {"conditions", "backup_run"}

FIGURES = st.one_of(st.integers(-10**7, 10**7).map(str),
                    st.floats(-1e12, 1e12, allow_nan=False).map(lambda x: f"{x:g}"),
                    st.floats(-1e7, 1e7, allow_nan=False).map(lambda x: f"{x:.2f}"),
                    st.sampled_from(["1", "1.00", "1e-05", "-2.5e+06", "0"]))
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
    st.sampled_from(["{label}", "{0}", "}{", "a.*b", "(x)?", "\\d+", "[", "$1", "5 h (business)", "≤ 4 h",
                     "rework: yes", "INC-1;", "two\nlines", "12.5", "no owner", "x ; y"]),
).filter(lambda s: details.JOIN not in s)
DATE = st.one_of(st.dates().map(str),
                 st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "+01:00"),
                 st.times().map(lambda t: t.strftime("%H:%M")))
IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)


def _nl_figure(figure: str) -> str:
    return figure.replace(".", ",")


def _nl_quantity(figure: str, unit: str) -> str:
    forms = NL_UNITS[UNITS[unit]]
    return f"{_nl_figure(figure)} {forms['one'] if float(figure) == 1 else forms['other']}"


def _value(name: str) -> st.SearchStrategy[tuple[str, str]]:
    """(English value, its Dutch wording) for a placeholder, by its kind."""
    kind = KINDS.get(name, "text")
    quantity = st.tuples(FIGURES, st.sampled_from(sorted(UNITS)))
    if kind == "term":
        return st.one_of(st.sampled_from(sorted(TERMS)), TEXT).map(lambda v: (v, TERMS.get(v, v)))
    if kind == "quantity":
        return quantity.map(lambda q: (f"{q[0]} {q[1]}", _nl_quantity(*q)))
    if kind == "limit":
        return st.tuples(st.sampled_from(SIGNS), quantity).map(
            lambda s: (f"{s[0]} {s[1][0]} {s[1][1]}", f"{s[0]} {_nl_quantity(*s[1])}"))
    if kind == "number":
        return FIGURES.map(lambda f: (f, _nl_figure(f)))
    if kind == "conditions":
        shown = st.one_of(st.sampled_from(["yes", "no"]), st.integers().map(str), TEXT.map(repr))
        return st.lists(st.tuples(IDENT, shown), min_size=1, max_size=4).map(
            lambda pairs: (details.conditions_text(pairs),
                           ", ".join(f"{f}: {({'yes': 'ja', 'no': 'nee'}).get(v, v)}" for f, v in pairs)))
    if kind == "missing":
        return st.lists(st.sampled_from(sorted(MISSING)), min_size=1, max_size=3, unique=True).map(
            lambda names: (details.missing_text(names), ", ".join(f"geen {MISSING[n]}" for n in names)))
    if kind == "word":  # an instant or day as the engine writes it; a field, document kind or status
        return (DATE if name in DATES else st.one_of(IDENT, st.sampled_from(["rca_reports", "failed"]))).map(
            lambda v: (v, v))
    assert kind == "text", kind
    return TEXT.map(lambda v: (v, v))


def _dutch(template: str, values: dict[str, str]) -> str:
    """The Dutch template filled: ``{name:one|other}`` as the figure and its word, singular after 1."""
    def counted(m: re.Match) -> str:
        figure = values[m.group(1)]
        return f"{figure} {m.group(2) if float(figure.replace(',', '.')) == 1 else m.group(3)}"
    return re.sub(r"\{(\w+):([^|}]*)\|([^}]*)\}", counted, template).format(**values)


def _placeholders(key: str) -> list[str]:
    names = [n for _, n, _, _ in string.Formatter().parse(WORDING[key]["en"]) if n]
    return list(dict.fromkeys(names))


@pytest.mark.parametrize("key", sorted(WORDING))
def test_every_template_with_generated_values_is_matched_and_worded_in_dutch(key):
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({n: _value(n) for n in _placeholders(key)}))
    def check(values):
        english = detail(key, **{n: en for n, (en, _) in values.items()})
        dutch = _dutch(WORDING[key]["nl"], {n: nl for n, (_, nl) in values.items()})
        found = match(english)
        assert found is not None, english
        assert found[0] == key or {found[0], key} == SAME_SHAPE, (found[0], english)
        assert word(english, "nl", NL_UNITS) == dutch
        assert word(english, "en", NL_UNITS) == english

    check()
