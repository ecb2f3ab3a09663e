"""Load a YAML document written by a person (a change request, a tender sheet) with friendly, located errors.

Passes: YAML syntax and duplicate keys (``engine.yamlio``) → JSON Schema, every error with its JSON path *and*
the line it is on, in plain words ("unknown field 'trheshold' (allowed: per_record, threshold)") → dates that
match the pattern but do not exist (2026-02-30).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from .. import resources
from ..errors import ChangeRequestError, InputError, Problem, json_path, schema_problems
from ..yamlio import load_yaml_text


@dataclass(frozen=True)
class Document:
    data: Any
    source: str
    sha256: str
    path: Path
    text: str = ""  # as read, for the line of a value found wrong after the schema pass

    def problem(self, message: str, *where: Any) -> Problem:
        """A problem at the value ``where`` (a JSON path's parts), located by its line and its JSON path."""
        return Problem(self.source, message, record=_line(self.text, where), field=json_path(where))


def _node_at(root: yaml.Node | None, path: Iterable[Any]) -> yaml.Node | None:
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
        if node is None:
            return None
    return node


def line_of(text: str, path: Iterable[Any]) -> int | None:
    """The 1-based line of the node at a JSON path (the parent's line for a missing key)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    path = list(path)
    while True:
        node = _node_at(root, path)
        if node is not None:
            return node.start_mark.line + 1
        if not path:
            return None
        path = path[:-1]


def friendly(error: jsonschema.ValidationError) -> str:
    """A schema error in words a person can act on."""
    v = error.validator
    if v == "required":
        return f"missing field {error.message.split(' is a required')[0]}"
    if v == "pattern" and error.schema.get("description", "").startswith("a calendar date"):
        return f"expected a date YYYY-MM-DD, got {error.instance!r}"
    if v == "pattern":
        return f"{error.instance!r} does not have the expected form ({error.schema['pattern']})"
    if v == "enum":
        return f"{error.instance!r} is not allowed here; expected one of: {', '.join(map(str, error.validator_value))}"
    if v == "type":
        want = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        return f"expected {want}, got {type(error.instance).__name__} {error.instance!r}"
    if v == "minProperties":
        return "must not be empty"
    return error.message


def _dates(node: Any, path: list[Any], schema_dates: set[str]) -> Iterable[tuple[list[Any], str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in schema_dates and isinstance(v, str):
                yield path + [k], v
            yield from _dates(v, path + [k], schema_dates)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _dates(v, path + [i], schema_dates)


DATE_FIELDS = {"date", "effective_from", "submitted_on"}


def load_document(path: Path | str, schema_name: str, *, error: type = ChangeRequestError) -> Document:
    """Parse and validate ``path`` against ``evidence/schemas/<schema_name>``; raise with every problem located."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(Problem(source, "file not found")) from None
    except OSError as exc:
        raise error(Problem(source, f"cannot be read: {exc.strerror}")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(Problem(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})")) from None
    try:
        doc = load_yaml_text(text, source)
    except InputError as exc:  # re-raise as this document's error class
        raise error(exc.problems) from None
    except yaml.YAMLError as exc:  # e.g. a control character, which PyYAML rejects before parsing
        raise error(Problem(source, f"not valid YAML: {str(exc).splitlines()[0]}")) from None
    if not isinstance(doc, dict):
        raise error(Problem(source, "expected a mapping of fields (key: value) at the top level", record="line 1"))
    schema = json.loads(resources.schema_path(schema_name).read_text(encoding="utf-8"))
    found = sorted((pair for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)
                    for pair in schema_problems(e, friendly)),
                   key=lambda pair: (line_of(text, pair[0]) or 0, list(map(str, pair[0])), pair[1]))
    problems = [Problem(source, said, record=_line(text, path), field=json_path(path)) for path, said in found]
    for where, value in _dates(doc, [], DATE_FIELDS):
        try:
            date.fromisoformat(value)
        except ValueError:
            if len(value) == 10:  # the pattern error already names the others
                problems.append(Problem(source, f"{value!r} is not a calendar date", record=_line(text, where),
                                        field=json_path(where)))
    if problems:
        raise error(problems)
    return Document(doc, source, hashlib.sha256(raw).hexdigest(), path, text)


def _line(text: str, where: Iterable[Any]) -> str | None:
    n = line_of(text, where)
    return f"line {n}" if n else None
