"""Sample lifecycle evidence (T1): the lifecycle register with EoS/EoL dates and signalling, the quarterly
lifecycle reviews, scheduled backup runs and restore tests, January-September 2026."""
from __future__ import annotations

from datetime import date, timedelta

from ._common import iso, local, make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])

PRODUCTS = ["Windows Server 2016", "SQL Server 2016", "Exchange 2016 hybride", "Cisco Catalyst 2960-X",
            "FortiGate 100E", "HP ProBook 450 G6", "Dell OptiPlex 7060", "VMware vSphere 7", "Veeam B&R 11",
            "Ubuntu 20.04 LTS", "Aruba AP-305", "Synology RS1219+", "Citrix ADC 13.0", "Oracle Java 8",
            "Windows 10 22H2", "Office 2019", "HPE ProLiant DL380 Gen9", "Zabbix 5.0"]


def lifecycle_register() -> list[dict]:
    out = []
    export = date(2026, 10, 5)
    for k, name in enumerate(PRODUCTS):
        eos = date(2026, 3, 15) + timedelta(days=37 * k)  # EoS dates from March 2026 to October 2027
        lead = rng.randint(100, 200)
        if k == 4:
            lead = 60  # Q2: FortiGate signalled only 60 days before its EoS: a breach in its quarter
        signalled = eos - timedelta(days=lead)
        rec = {"id": f"LC-{k + 1:03d}", "name": name, "category": "infra" if k % 3 else "werkplek",
               "vendor": name.split()[0], "eos_date": eos.isoformat(),
               "eol_date": (eos + timedelta(days=365)).isoformat(), "eos_announced_on": None,
               "signalled_at": iso(local(signalled, 10, 0)) if signalled <= export else None,
               "signal_ref": f"SIG-{k + 1:03d}" if signalled <= export else None, "retired_on": None,
               "decision": "vervangen" if k % 2 else "uitfaseren"}
        out.append(rec)
    # an EoS the vendor announced only 6 weeks ahead: could not be signalled 90 days before, not counted
    out.append({"id": "LC-101", "name": "Printserver-appliance PX200", "category": "werkplek", "vendor": "PX",
                "eos_date": "2026-10-20", "eol_date": None, "eos_announced_on": "2026-09-08",
                "signalled_at": iso(local(date(2026, 9, 10), 9, 30)), "signal_ref": "SIG-101", "retired_on": None,
                "decision": "vervangen"})
    # an item with only an EoL date: signalled in time against it
    out.append({"id": "LC-102", "name": "Legacy zaaksysteem-connector", "category": "applicatie", "vendor": "intern",
                "eos_date": None, "eol_date": "2026-11-30", "eos_announced_on": None,
                "signalled_at": iso(local(date(2026, 6, 2), 11, 0)), "signal_ref": "SIG-102", "retired_on": None,
                "decision": "uitfaseren"})
    return out


def lifecycle_reviews() -> list[dict]:
    return [
        {"id": "LCR-2026-Q1", "held_on": "2026-03-18", "horizon_12_months": True, "horizon_until": "2027-03-31",
         "participants": ["SIB informatiemanager", "Leverancier servicemanager"], "minutes_ref": "TO-2026-03"},
        # Q2: the overview reviewed looked only to the end of the year: less than 12 months ahead
        {"id": "LCR-2026-Q2", "held_on": "2026-06-17", "horizon_12_months": False, "horizon_until": "2026-12-31",
         "participants": ["SIB informatiemanager", "Leverancier servicemanager"], "minutes_ref": "TO-2026-06"},
        {"id": "LCR-2026-Q3", "held_on": "2026-09-16", "horizon_12_months": True, "horizon_until": "2027-09-30",
         "participants": ["SIB informatiemanager", "Leverancier servicemanager", "SIB CIO"], "minutes_ref": "TO-2026-09"},
    ]


JOBS = [("JOB-VM", "VMware-cluster"), ("JOB-SQL", "SQL-cluster"), ("JOB-FS", "Fileserver"),
        ("JOB-M365", "Microsoft 365"), ("JOB-AD", "Active Directory"), ("JOB-DMS", "Zaaksysteem")]
#: (month, day, job index) -> status of runs that did not succeed
NOT_OK = {(2, 11, 1): "failed", (4, 3, 2): "warning", (6, 20, 0): "failed",
          (8, 4, 1): "failed", (8, 5, 1): "failed", (8, 12, 3): "missed", (8, 19, 2): "warning"}


def backup_runs() -> list[dict]:
    out = []
    d = date(2026, 1, 1)
    while d <= date(2026, 9, 30):
        for j, (job, system) in enumerate(JOBS):
            at = local(d, 22, 10 * j)
            status = NOT_OK.get((d.month, d.day, j), "success")
            out.append({"id": f"BR-{d:%Y%m%d}-{job[4:]}", "job": job, "system": system, "scheduled_at": iso(at),
                        "finished_at": None if status == "missed" else iso(at + timedelta(minutes=rng.randint(20, 90))),
                        "status": status, "message": None if status == "success" else f"{system}: {status}"})
        d += timedelta(days=1)
    return out


def restore_tests() -> list[dict]:
    return [
        {"id": "RT-2025-11", "performed_on": "2025-11-18", "system": "Fileserver", "scope": "volledige share",
         "result": "success", "evidence_ref": "RT-verslag-2025-11"},
        {"id": "RT-2026-06", "performed_on": "2026-06-10", "system": "SQL-cluster", "scope": "database zaaksysteem",
         "result": "partial", "evidence_ref": "RT-verslag-2026-06"},
        {"id": "RT-2026-09", "performed_on": "2026-09-22", "system": "VMware-cluster", "scope": "3 VM's",
         "result": "success", "evidence_ref": "RT-verslag-2026-09"},
    ]


def documents() -> list[dict]:
    return [
        {"kind": "lifecycle_register", "path": "lifecycle-register.json", "format": "json",
         "records": lifecycle_register()},
        {"kind": "lifecycle_reviews", "path": "lifecycle-reviews.yaml", "format": "yaml", "records": lifecycle_reviews()},
        {"kind": "backup_runs", "path": "backup-runs.jsonl", "format": "jsonl", "records": backup_runs()},
        # the restore-test register goes back to the start of 2025, so a monthly result can see 12 months back
        {"kind": "restore_tests", "path": "restore-tests.json", "format": "json", "records": restore_tests(),
         "covers": {"from": "2025-01-01", "to": "2026-09-30"}},
    ]
