"""Parsing the ``calendar:`` settings of a contract: times, dates, recurring day rules, every problem at once.

Split from ``engine.calendar`` so that module holds the measuring itself; the settings format is documented there.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from engine.errors import Problem


def parse_hhmm(v) -> int:
    """'HH:MM' -> minutes after midnight ('24:00' allowed as a closing time)."""
    if isinstance(v, int) and not isinstance(v, bool):
        raise ValueError(f"YAML read this unquoted time as the number {v}; write it in quotes, e.g. \"18:00\"")
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", v) if isinstance(v, str) else None
    if not m or int(m[2]) > 59 or int(m[1]) * 60 + int(m[2]) > 1440:
        raise ValueError(f"{v!r} is not a time HH:MM between 00:00 and 24:00")
    return int(m[1]) * 60 + int(m[2])


def parse_setting_date(v) -> dt.date:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise ValueError(f"{v!r} is not a date YYYY-MM-DD")


def parse_day_rule(v, names: bool):
    """A day rule: ('date', date) | ('md', (m, d)) | ('name', casefolded name)."""
    if isinstance(v, dt.date) or (isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v)):
        return ("date", parse_setting_date(v))
    if isinstance(v, str) and re.fullmatch(r"\d\d-\d\d", v):
        m, d = int(v[:2]), int(v[3:])
        dt.date(2000, m, d)  # leap year: validates 02-29 too
        return ("md", (m, d))
    if names and isinstance(v, str) and v.strip():
        return ("name", v.strip().casefold())
    raise ValueError(f"{v!r} is not a date YYYY-MM-DD or a yearly MM-DD" + (" or a holiday name" if names else ""))


def day_matches(rule, day: dt.date, name: str) -> bool:
    kind, val = rule
    if kind == "date":
        return day == val
    if kind == "md":
        return (day.month, day.day) == val
    return val in (part.strip().casefold() for part in name.split(";"))


def expand_day_rules(rules: dict, y0: int, y1: int) -> dict:
    """{('date'|'md', value): name} -> {date: name} for the years y0..y1."""
    out = {}
    for (kind, val), name in rules.items():
        if kind == "date":
            out[val] = name
        else:
            for y in range(y0, y1 + 1):
                try:
                    out[dt.date(y, *val)] = name
                except ValueError:  # 02-29 in a common year
                    pass
    return out


class SettingsParser:
    """Turns the settings mapping into plain values, collecting every problem instead of stopping at the first."""

    def __init__(self, source: str):
        self.source, self.problems, self.hard = source, [], False

    def err(self, field: str, msg: str, hard: bool = False) -> None:
        self.hard |= hard
        self.problems.append(Problem(file=self.source, field="calendar." + field if field else "calendar", message=msg))

    def mapping(self, v, field: str, keys: set | None = None) -> Mapping:
        if v is None:
            return {}
        if not isinstance(v, Mapping):
            self.err(field, f"expected a mapping, got {type(v).__name__}")
            return {}
        for k in v:
            if keys is not None and k not in keys:
                self.err(f"{field}.{k}" if field else str(k), f"unknown key (expected one of {', '.join(sorted(keys))})")
        return v

    def day_rules(self, v, field: str, names: bool, default_name: str | None = None) -> dict:
        items = v.items() if isinstance(v, Mapping) else ((x, default_name) for x in (v or []))
        if not isinstance(v, (Mapping, list, tuple, type(None))):
            self.err(field, f"expected a list or a mapping, got {type(v).__name__}")
            return {}
        out = {}
        for k, name in items:
            try:
                out[parse_day_rule(k, names)] = str(name) if name is not None else default_name
            except ValueError as e:
                self.err(f"{field}.{k}", str(e))
        return out
