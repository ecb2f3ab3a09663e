"""The one exception hierarchy of slacheck.

Every error a user can cause is an ``InputError``: it carries a location (file, record, field) and what was
expected, and the CLI turns it into exit code 2 without a traceback. ``EngineError`` marks a bug in slacheck.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Callable, Iterable


class ExitCode(IntEnum):
    """The command line's exit codes, one table for every command."""

    OK = 0  # no minimum requirement failed (audit, agenda); a request or tender sheet is valid
    DEVIATION = 1  # at least one failed: a deviation from the Agreement (or: the request is not allowed)
    BAD_INPUT = 2  # bad input or usage; nothing was written
    INTERNAL = 3  # a bug in slacheck
    OUTPUT_CLOSED = 141  # the reader of stdout went away (``| head``): 128 + SIGPIPE, as a shell reports it


def json_path(path: Iterable[Any]) -> str:
    """``$.norm.clauses[0].op`` for a jsonschema error's ``absolute_path``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def schema_problems(error: Any, message: Callable[[Any], str] = lambda e: e.message) -> list[tuple[list[Any], str]]:
    """A jsonschema error as ``(JSON path, message)`` pairs, ``message`` wording all but one kind of error.

    ``additionalProperties: false`` gives one pair per unknown field, at the field itself and naming what the
    schema allows there (its ``properties`` in the schema's order, then its ``patternProperties``), because
    jsonschema's "Additional properties are not allowed ('x' was unexpected)" leaves the user to find both.
    Every reader of a schema-checked input reports through here, so an unknown field reads the same in each."""
    path = list(error.absolute_path)
    schema, instance = error.schema, error.instance
    if error.validator != "additionalProperties" or error.validator_value is not False \
            or not isinstance(schema, dict) or not isinstance(instance, dict):
        return [(path, message(error))]
    named = list(schema.get("properties") or {})
    patterns = list(schema.get("patternProperties") or {})
    allowed = ", ".join(named + [f"a name matching {p}" for p in patterns])
    said = f"unknown field (allowed here: {allowed})" if allowed else "unknown field (no fields are allowed here)"
    return [(path + [key], said) for key in instance
            if key not in named and not any(re.search(p, key) for p in patterns)]


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: ``file: record: field: message``."""

    file: str
    message: str
    record: str | None = None  # "line 12", "record 3", a ticket id …
    field: str | None = None  # a JSON path such as "$.events[2].at"

    def __str__(self) -> str:
        parts = [self.file]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message


class SlacheckError(Exception):
    """Base of every error slacheck raises on purpose."""


class InputError(SlacheckError):
    """Bad input or usage (exit code 2). Holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str, *, cap_note: str | None = None,
                 total: int | None = None):
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems: list[Problem | str] = list(problems)
        self.cap_note = cap_note
        self.total = len(self.problems) if total is None else total  # shown or not (``cap_note`` counts the rest)
        super().__init__(self.render())

    @classmethod
    def combine(cls, errors: Iterable["InputError"]) -> "InputError":
        """One error holding several (one per bundle of a batch): every problem, cap note and the whole count."""
        errors = list(errors)
        return cls([p for e in errors for p in e.problems], total=sum(e.total for e in errors),
                   cap_note="\n".join(e.cap_note for e in errors if e.cap_note) or None)

    def render(self) -> str:
        """Every problem, one a line; a file's cap note ("f: … and N more problem(s) not shown") right after that
        file's last problem shown, not after other files' (or other bundles') problems."""
        notes: dict[str, list[str]] = {}
        for note in self.cap_note.split("\n") if self.cap_note else ():
            notes.setdefault(note.split(CAP_NOTE_SEPARATOR, 1)[0], []).append(note)
        last = {p.file: i for i, p in enumerate(self.problems) if isinstance(p, Problem)}
        lines = []
        for i, p in enumerate(self.problems):
            lines.append(str(p))
            if isinstance(p, Problem) and last[p.file] == i:
                lines.extend(notes.pop(p.file, ()))
        return "\n".join(lines + [n for left in notes.values() for n in left])


class RuleFileError(InputError):
    """A rule file or the goals file is malformed."""


class SettingsError(InputError):
    """The contract settings are malformed or impossible (e.g. a service window that closes before it opens)."""


class EvidenceError(InputError):
    """An evidence bundle or one of its documents is malformed."""


class PeriodError(InputError):
    """A period or as-of argument cannot be parsed."""


class ChangeRequestError(InputError):
    """A tender sheet, change request or norm register is malformed."""


class EngineError(SlacheckError):
    """An internal inconsistency: a bug in slacheck, never the user's fault."""


CAP_NOTE_SEPARATOR = ": … and "  # between the file and the count in a cap note


@dataclass
class ProblemCollector:
    """Collects problems up to a cap per file, counting the rest, so one bad export cannot flood the output."""

    cap_per_file: int = 50
    problems: list[Problem] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        n = self._counts.get(problem.file, 0) + 1
        self._counts[problem.file] = n
        if n <= self.cap_per_file:
            self.problems.append(problem)

    def __bool__(self) -> bool:
        return bool(self._counts)

    def has(self, file: str) -> bool:
        """Whether a problem was found in ``file``."""
        return file in self._counts

    def cap_note(self) -> str | None:
        over = {f: n - self.cap_per_file for f, n in self._counts.items() if n > self.cap_per_file}
        if not over:
            return None
        return "\n".join(f"{f}{CAP_NOTE_SEPARATOR}{n} more problem(s) not shown" for f, n in sorted(over.items()))

    def raise_if_any(self, cls: type[InputError] = InputError) -> None:
        if self:
            raise cls(self.in_file_order(), cap_note=self.cap_note(), total=sum(self._counts.values()))

    def in_file_order(self) -> list[Problem]:
        """The problems shown, each file's together in the order the files were first named, and within a file by
        line (or record) number: the checks run in passes (parsing, each record's schema, across records), so a
        file's problems are found out of order ("line 10" before "line 2"). A problem of the file as a whole
        comes before its numbered ones."""
        first = {}
        for p in self.problems:
            first.setdefault(p.file, len(first))
        return sorted(self.problems, key=lambda p: (first[p.file], _number_of(p.record)))


def _number_of(record: str | None) -> int:
    """12 for "line 12" or "line 12 (INC-7)", "record 12"; 0 for none."""
    m = re.match(r"(?:line|record) (\d+)", record or "")
    return int(m.group(1)) if m else 0
