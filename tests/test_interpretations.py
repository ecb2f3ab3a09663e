"""Every rule file says how it reads the annex twice, in English (``interpretation``) and in Dutch
(``interpretation_nl``, printed in the Dutch report). The two are kept from drifting apart: both quote the same
annex fragments, name the same fields and events, and state the same numbers.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import resources
from engine.measures import default_registry
from engine.rulefiles import load_catalogue

GOLDEN_RULES = Path(__file__).parent / "golden" / "rules"
RULES = [(f"{name}:{rule.id}", rule) for name, folder in (("rules", resources.rules_dir()), ("golden", GOLDEN_RULES))
         for rule in load_catalogue(folder, registry=default_registry()).rules.values()]

QUOTED = re.compile(r'"([^"]*)"')
IDENTIFIER = re.compile(r"`([^`]*)`")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def quotes(text: str) -> set[str]:
    return set(QUOTED.findall(text))


def identifiers(text: str) -> set[str]:
    return set(IDENTIFIER.findall(text))


def numbers(text: str) -> set[str]:
    """The numbers written in digits, a decimal comma read as a decimal point ("2,4" in Dutch is "2.4")."""
    return {n.replace(",", ".") for n in NUMBER.findall(text)}


@pytest.mark.parametrize("rule", [r for _, r in RULES], ids=[i for i, _ in RULES])
def test_interpretation_is_given_in_english_and_in_dutch(rule):
    assert rule.interpretation.strip() and rule.interpretation_nl.strip()
    assert rule.interpretation_nl != rule.interpretation
    for text in (rule.interpretation, rule.interpretation_nl):
        assert text.count('"') % 2 == 0, f"{rule.source}: an unclosed quote"
        assert text.count("`") % 2 == 0, f"{rule.source}: an unclosed backtick"


@pytest.mark.parametrize("rule", [r for _, r in RULES], ids=[i for i, _ in RULES])
def test_dutch_interpretation_quotes_the_annex_names_fields_and_states_numbers_as_the_english(rule):
    en, nl = rule.interpretation, rule.interpretation_nl
    assert quotes(nl) == quotes(en), f"{rule.source}: quoted annex fragments differ"
    assert identifiers(nl) == identifiers(en), f"{rule.source}: `identifiers` differ"
    assert numbers(nl) == numbers(en), f"{rule.source}: numbers differ"


def test_the_checks_see_quotes_identifiers_and_decimal_commas():
    en = 'A "Stabilisatie ≤ 4 uur" clause: `resolved_at` within 2.4 days.'
    nl = 'Normdeel "Stabilisatie ≤ 4 uur": `resolved_at` binnen 2,4 dagen.'
    assert quotes(en) == quotes(nl) == {"Stabilisatie ≤ 4 uur"}
    assert identifiers(en) == identifiers(nl) == {"resolved_at"}
    assert numbers(en) == numbers(nl) == {"4", "2.4"}
    assert numbers("binnen 24 uur") != numbers("within 2.4 hours")
