"""Shared fixtures: fresh registries and catalogues per test (no import-time globals)."""
from __future__ import annotations

import pytest

from engine.measures import default_registry
from engine.rulefiles import load_catalogue
from engine.settings import load_contract


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(registry=default_registry())


@pytest.fixture(scope="session")
def contract():
    return load_contract()
