"""Safe YAML loading that rejects duplicate keys and reports where a node came from.

PyYAML silently keeps the last of two equal keys; in a rule file or a change request that hides a mistake, so
the loader refuses it (pass 1 of rule-file validation). Only the safe loader is used: no arbitrary objects. It is
libyaml's (``CSafeLoader``) when PyYAML was built with it: the 41 rule files of an audit load in 0.04 s, not 0.3 s.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """SafeLoader that records duplicate mapping keys instead of overwriting them."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hashable = key in seen
            except TypeError:
                continue
            if hashable:
                self.duplicates.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Dates stay strings: the engine parses them itself so that the error can say which field was wrong.
# The resolver table is a class attribute shared with yaml.SafeLoader: give this loader its own copy, so that
# yaml.safe_load elsewhere in the process keeps its behaviour.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text; raise ``InputError`` naming ``source`` and the line for syntax errors and duplicate keys."""
    try:
        loader = _UniqueKeyLoader(text)  # the reader already refuses some characters (NUL) here
    except yaml.YAMLError as exc:
        raise InputError(Problem(source, f"not valid YAML: {exc}")) from None
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(Problem(source, f"not valid YAML: {exc.problem}", record=where)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(source, f"not valid YAML: {exc}")) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise InputError(
            [Problem(source, f"duplicate key {key!r} (a key may appear once)", record=f"line {line}")
             for key, line in loader.duplicates]
        )
    return data


def load_yaml(path: Path, source: str | None = None) -> Any:
    source = source or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(Problem(source, "file not found")) from None
    except UnicodeDecodeError as exc:
        raise InputError(Problem(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})")) from None
    except OSError as exc:
        raise InputError(Problem(source, f"cannot be read: {exc.strerror}")) from None
    return load_yaml_text(text, source)
