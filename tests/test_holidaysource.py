"""engine.holidaysource gives what holidays.country_holidays gives (days, names, class, errors), in a process that
never imports the package's ~250 country modules."""
from __future__ import annotations

import json
import subprocess
import sys

import holidays

CASES = [  # (country, keyword arguments)
    ("NL", {"years": list(range(2020, 2031)), "categories": ["public"], "language": "nl"}),
    ("NL", {"years": [2026], "language": "en"}),
    ("NL", {"years": [2024, 2025], "language": None, "categories": None}),
    ("NLD", {"years": [2026], "language": "nl"}),
    ("Netherlands", {"years": [2026]}),
    ("DE", {"years": [2026], "subdiv": "BY", "language": "de"}),
    ("BE", {"years": [2025, 2026], "language": "nl"}),
    ("US", {"years": [2026], "subdiv": "CA"}),
    ("NL", {"years": [2026], "subdiv": "ZZ"}),  # errors: the package's own
    ("NL", {"years": [2026], "categories": ["no-such-category"]}),
    ("XX", {"years": [2026]}),
]

_PROBE = """
import json, sys
from engine.holidaysource import country_holidays
out = []
for country, kw in json.loads(sys.argv[1]):
    kw = {k: (tuple(v) if k == "categories" and v else v) for k, v in kw.items()}
    try:
        h = country_holidays(country, **kw)
        out.append(["ok", type(h).__name__, sorted((d.isoformat(), n) for d, n in h.items())])
    except Exception as e:
        out.append(["error", type(e).__name__, str(e)])
print(json.dumps({"countries_imported": "holidays.countries" in sys.modules, "out": out}))
"""


def _package(country, kw):
    kw = {k: (tuple(v) if k == "categories" and v else v) for k, v in kw.items()}
    try:
        h = holidays.country_holidays(country, **kw)
        return ["ok", type(h).__name__, sorted([d.isoformat(), n] for d, n in h.items())]
    except Exception as e:  # noqa: BLE001 - compared as they come
        return ["error", type(e).__name__, str(e)]


def test_one_country_alone_gives_the_packages_days_names_and_errors():
    run = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(CASES)], capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    assert got["out"] == [_package(c, kw) for c, kw in CASES]
    assert got["out"][0][2][:2] == [["2020-01-01", "Nieuwjaarsdag"], ["2020-04-10", "Goede vrijdag"]]
    assert got["out"][-1] == ["error", "NotImplementedError", "Country XX not available"]


def test_without_an_unknown_code_no_country_but_the_asked_ones_is_imported():
    run = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(CASES[:3])], capture_output=True, text=True,
                         check=True)
    got = json.loads(run.stdout)
    assert not got["countries_imported"]
    assert got["out"] == [_package(c, kw) for c, kw in CASES[:3]]
