"""Sample device compliance snapshots from Intune / Entra ID: 120 devices, snapshots on the 1st, the 15th and
the last day of each month (January-September 2026). June ends with an outdated-OS wave (below 95 %)."""
from __future__ import annotations

import calendar
from datetime import date

from ._common import make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])
DEVICES = 120
REASONS = ("BitLocker niet actief", "OS-versie verouderd", "Defender-definities verouderd", "geen pincode")
# month -> how many devices end the month non-compliant
MONTH_END_BAD = {1: 3, 2: 4, 3: 2, 4: 5, 5: 3, 6: 9, 7: 4, 8: 6, 9: 2}


def snapshots() -> list[dict]:
    out = []
    n = 0
    for month in range(1, 10):
        last = calendar.monthrange(2026, month)[1]
        for day in (1, 15, last):
            bad = set(rng.sample(range(DEVICES), MONTH_END_BAD[month] if day == last else rng.randint(2, 8)))
            for k in range(DEVICES):
                n += 1
                ok = k not in bad
                out.append({"id": f"DC-{n:06d}", "device_id": f"LT-{k + 1:04d}",
                            "snapshot_date": date(2026, month, day).isoformat(), "compliant": ok,
                            "platform": "windows" if k % 10 else "macos", "ownership": "corporate",
                            "noncompliance_reason": None if ok else rng.choice(REASONS)})
    return out


def documents() -> list[dict]:
    return [{"kind": "device_compliance", "path": "device-compliance.jsonl", "format": "jsonl", "records": snapshots()}]
