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


@pytest.fixture(scope="session", autouse=True)
def _template_cache(tmp_path_factory):
    """Compiled templates go to this test run's own folder (and to the CLI's child processes), not the user's."""
    from engine.report import CACHE_ENV

    mp = pytest.MonkeyPatch()
    mp.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("template-cache")))
    yield
    mp.undo()
