"""Meta-tests over every schema and every rule file."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from engine import operators, resources
from engine.measures import default_registry
from engine.rulefiles import load_catalogue, rule_files, rule_schema

SCHEMAS = sorted(resources.data_dir("evidence").glob("schemas/**/*.json")) + sorted(
    (resources.rules_dir() / "schema").glob("*.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_schema_is_a_valid_schema(path: Path):
    jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_rule_schema_takes_its_operators_from_the_operator_table():
    schema = rule_schema()
    assert schema["$defs"]["clause"]["properties"]["op"]["enum"] == list(operators.NORM_OPERATORS)
    assert schema["$defs"]["filter"]["properties"]["op"]["enum"] == list(operators.FILTER_OPERATORS)
    for symbol in operators.NORM_OPERATORS:
        assert operators.OPERATORS[symbol].durable and operators.OPERATORS[symbol].negated


def test_every_rule_file_validates_and_is_named_after_its_id():
    catalogue = load_catalogue(registry=default_registry())
    files = rule_files(resources.rules_dir())
    assert sorted(p.stem for p in files) == sorted(catalogue.rules)
    registry = default_registry()
    for rule in catalogue.rules.values():
        assert rule.measure.id in registry
        assert rule.interpretation.strip()


def test_fresh_registries_are_independent():
    a, b = default_registry(), default_registry()
    assert a is not b and a.ids() == b.ids()
