"""Benchmark a full-year audit of synthetic bundles of 10k, 100k and 1M tickets (issue 8).

Per size it prints the seconds to load + validate (engine.bundle.load_bundle: read, parse, schema-check and convert
every record, one pass in which each block is checked as it is converted; then the checks across records and
documents, timed apart), set up (rule files validated), measure, judge (durable-rules, roll-up, agendas, signals)
and render (JSON data, Markdown report, JSON report, charts); the total; the peak memory; and, measured in the same
run, the floor: the time merely to parse the same files with the fastest parser available here (the fastest of
orjson, per record on one core; Arrow's JSON reader on whole files, on every core; and Arrow's reader on blocks of
whole lines over one thread per core). Every record is validated: nothing is skipped.

Each measurement runs in a fresh child process, so the peak memory is that run's own: the peak resident set size
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, interpreter and libraries included; tracemalloc is not used because
it slows allocation-heavy code several-fold and misses numpy's buffers). Wall times use ``time.perf_counter``. The
page cache is warmed before each timed run, so disk speed is left out of both the audit and the floor. The
children run with the engine's bytecode, as ``pip install .`` leaves it (pip compiles on install): where
``PYTHONDONTWRITEBYTECODE`` is set, every engine module imported during the audit would be compiled from source
again. The engine is compiled (into its ``__pycache__`` folders, which git ignores) before the first run.

Bundles are generated once (``slacheck sample generate``) and cached in ``benchmarks/.cache/`` keyed by size, seed
and a hash of the generator's source, so a changed generator regenerates them.

Targets (2-core machine): 1M tickets ≤ 15 s wall and ≤ 2 GB peak and ≤ 2× the parse-only floor; 100k ≤ 2 s;
time per ticket flat (±30 %) from 10k to 1M.

Profiles (``--profile``, a separate run per size): py-spy when it is installed (sampling at 100 Hz, so the run keeps
its speed; self and inclusive shares per function), else cProfile (deterministic, but it slows Python-heavy code
several-fold, which inflates the per-record loops' share).

Run:  python benchmarks/audit.py [--sizes 10k,100k,1M] [--seed 2026] [--repeat 3] [--profile] [--json FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.cores import usable_cores  # noqa: E402  (the engine of this checkout, not an installed one)

CACHE = ROOT / "benchmarks" / ".cache"
TARGETS = {"total_1m_s": 15.0, "peak_1m_mb": 2048.0, "floor_ratio": 2.0, "total_100k_s": 2.0, "flat": 0.30}


def parse_size(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1_000}k" if n % 1_000 == 0 else str(n)


def generator_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((ROOT / "engine" / "generate").glob("*.py")) + sorted((ROOT / "evidence" / "schemas" / "documents").glob("*.json")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def ensure_bundle(n: int, seed: int) -> tuple[Path, float | None]:
    """The cached bundle for (n, seed, generator source); generated when missing. Returns (path, seconds or None)."""
    path = CACHE / f"t{label(n)}-s{seed}-{generator_hash()}"
    if (path / "manifest.yaml").is_file():
        return path, None
    for old in CACHE.glob(f"t{label(n)}-s{seed}-*"):
        subprocess.run(["rm", "-rf", str(old)], check=True)
    t0 = time.perf_counter()
    from engine.generate import generate_bundle

    generate_bundle(path, n, seed)
    return path, time.perf_counter() - t0


def _files(bundle: Path) -> list[Path]:
    import yaml

    manifest = yaml.safe_load((bundle / "manifest.yaml").read_text(encoding="utf-8"))
    return [bundle / d["path"] for d in manifest["documents"]]


def _warm(bundle: Path) -> None:
    for f in _files(bundle):
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_parse(bundle: Path) -> dict:
    """The floor, with the fastest parsers here, each reading every document: orjson per JSON Lines record (one
    core; records dropped at once), Arrow's JSON reader on each whole file (every core; columns, its own schema
    inference), and Arrow's JSON reader on blocks of whole lines parsed by a pool of one thread per core (as the
    audit reads, but without any check; the file is never in memory whole). The floor is the fastest of the three."""
    from concurrent.futures import ThreadPoolExecutor

    import orjson
    import pyarrow as pa
    import pyarrow.json as pj

    from engine.readers import blocks

    _warm(bundle)
    t0 = time.perf_counter()
    records = 0
    for f in _files(bundle):
        raw = f.read_bytes()
        loads = orjson.loads
        for line in raw.splitlines():
            if line:
                loads(line)
                records += 1
        del raw
    orjson_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for f in _files(bundle):
        pj.read_json(f)
    arrow_s = time.perf_counter() - t0

    class _NoHash:
        def update(self, _: bytes) -> None:
            pass

    def parse_block(block: bytes) -> int:
        options = pj.ReadOptions(use_threads=False, block_size=len(block) + 1)
        return pj.read_json(pa.BufferReader(block), read_options=options).num_rows

    t0 = time.perf_counter()
    workers = usable_cores()  # as the audit's loader sizes its pool
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list = []  # a few blocks ahead, as the audit's reader keeps them
        for f in _files(bundle):
            with open(f, "rb") as fh:
                for block in blocks(fh, _NoHash()):
                    pending.append(pool.submit(parse_block, block))
                    if len(pending) > 2 * workers:
                        pending.pop(0).result()
        for p in pending:
            p.result()
    blocks_s = time.perf_counter() - t0
    return {"parse_s": min(orjson_s, arrow_s, blocks_s), "orjson_s": orjson_s, "arrow_s": arrow_s,
            "arrow_blocks_s": blocks_s, "records": records, "peak_mb": _peak_mb()}


def child_audit(bundle: Path, period: str, profile: Path | None) -> dict:
    """The audit as the CLI runs it, stage by stage: load+validate, setup, measure, judge, render."""
    t_start = time.perf_counter()
    from engine.audit import run_audit
    from engine.bundle import load_bundle
    from engine.periods import parse_period
    from engine.report import report_files
    from engine.serialize import to_data, to_json_bytes
    imports = time.perf_counter() - t_start

    _warm(bundle)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    load_timings: dict[str, float] = {}
    loaded = load_bundle(bundle, timings=load_timings)
    t_load = time.perf_counter() - t0
    timings: dict[str, float] = {}
    result = run_audit(loaded, parse_period(period), timings=timings)
    t1 = time.perf_counter()
    data = to_data(result)  # what `slacheck audit --out DIR` renders: report.md, report.json, the trend charts
    files = report_files(data, bundle / "report", "nl", None, to_json_bytes(data))  # as the CLI does
    t_render = time.perf_counter() - t1
    total = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    if prof:
        prof.disable()
        prof.dump_stats(str(profile))
    statuses: dict[str, int] = {}
    for r in result.results:
        statuses[r.status.value] = statuses.get(r.status.value, 0) + 1
    return {"imports_s": imports, "load_validate_s": t_load, "records_s": load_timings.get("records", 0.0),
            "cross_record_s": load_timings.get("cross-record", 0.0), "setup_s": timings.get("setup", 0.0),
            "measure_s": timings.get("measure", 0.0), "judge_s": timings.get("judge", 0.0), "render_s": t_render,
            "total_s": total, "cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "sys_s": after.ru_stime - before.ru_stime, "page_faults": after.ru_minflt - before.ru_minflt,
            "peak_mb": _peak_mb(), "records": sum(d.records for d in loaded.documents),
            "tickets": len(loaded.tables["tickets"]) if "tickets" in loaded.tables else 0,
            "results": len(result.results), "statuses": statuses, "exit_code": result.exit_code,
            "report_bytes": sum(len(c) for c in files.values())}


def _child_env() -> dict[str, str]:
    """The environment of a timed child: the engine's bytecode used, as in an installed engine."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_engine() -> None:
    """Compile the engine once, before the timed runs (only changed modules are compiled again)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "engine")], check=True, env=_child_env())


def run_child(mode: str, bundle: Path, period: str, profile: Path | None = None, spy: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--bundle", str(bundle), "--period", period]
    if profile:
        cmd += ["--profile-out", str(profile)]
    if spy:  # sampled by py-spy (100 Hz, low overhead): the child runs at nearly full speed
        cmd = [shutil.which("py-spy"), "record", "--format", "raw", "--rate", "100", "--output", str(spy), "--"] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=_child_env())
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def print_profile(path: Path, top: int, total: float) -> None:
    import pstats

    st = pstats.Stats(str(path))
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # by own (tottime) seconds
    print(f"    cProfile: top {top} functions by own time (cProfile adds overhead; shares are of the profiled total "
          f"{st.total_tt:.1f} s):")
    for (file, line, func), (cc, nc, tt, ct, _) in rows:
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
        print(f"    {100 * tt / st.total_tt:5.1f} %  own {tt:6.2f} s  cum {ct:6.2f} s  {nc:>10} calls  {func}  ({where})")


def print_spy(path: Path, top: int) -> None:
    """Self and inclusive shares per function from py-spy's collapsed stacks (``frame;frame;… count``)."""
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_frame(f) for f in stack.split(";")]
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n
    if not total:
        print("    py-spy recorded no samples")
        return
    print(f"    py-spy: top {top} functions by own time ({total} samples at 100 Hz):")
    for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {100 * n / total:5.1f} %  {f}")
    print(f"    py-spy: top {top} engine functions by inclusive time:")
    engine = [(f, n) for f, n in incl.items() if "engine/" in f or "(engine" in f]
    for f, n in sorted(engine, key=lambda kv: -kv[1])[:top]:
        print(f"    {100 * n / total:5.1f} %  {f}")


def _frame(frame: str) -> str:
    """``derive (engine/kinds/tickets.py:35)`` → ``derive (engine/kinds/tickets.py)``: lines merged per function."""
    name, _, where = frame.partition(" (")
    file = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(file).parts
    short = "/".join(parts[parts.index("engine"):]) if "engine" in parts else "/".join(parts[-2:])
    return f"{name} ({short})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated ticket counts, e.g. 10k,100k")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--period", default="2026", help="the audited span (default: the full year)")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per size (the best is reported)")
    ap.add_argument("--profile", action="store_true", help="also profile each size with cProfile (a separate run)")
    ap.add_argument("--profiler", choices=["auto", "cprofile"], default="auto",
                    help="auto: py-spy when installed (sampling, low overhead), else cProfile")
    ap.add_argument("--top", type=int, default=25, help="functions shown per profile")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the figures to this file")
    ap.add_argument("--child", choices=["parse", "audit"], help=argparse.SUPPRESS)
    ap.add_argument("--bundle", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        res = child_parse(args.bundle) if args.child == "parse" else child_audit(args.bundle, args.period, args.profile_out)
        print(json.dumps(res))
        return

    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    print(f"slacheck audit benchmark: period {args.period}, seed {args.seed}, {usable_cores()} usable core(s), "
          f"python {sys.version.split()[0]}")
    print("peak memory = peak resident set size of the run's own process (getrusage ru_maxrss)\n")
    compile_engine()
    figures = []
    for n in sizes:
        bundle, gen_s = ensure_bundle(n, args.seed)
        size_mb = sum(f.stat().st_size for f in _files(bundle)) / 1e6
        parse = min((run_child("parse", bundle, args.period) for _ in range(args.repeat)), key=lambda r: r["parse_s"])
        audit = min((run_child("audit", bundle, args.period) for _ in range(args.repeat)), key=lambda r: r["total_s"])
        f = {"tickets": n, "bundle": str(bundle), "bundle_mb": size_mb, "generate_s": gen_s, "cores": usable_cores(),
             **audit,
             "parse_s": parse["parse_s"], "parse_orjson_s": parse["orjson_s"], "parse_arrow_s": parse["arrow_s"],
             "parse_arrow_blocks_s": parse["arrow_blocks_s"], "parse_peak_mb": parse["peak_mb"]}
        f["floor_ratio"] = audit["total_s"] / parse["parse_s"]
        f["us_per_ticket"] = 1e6 * audit["total_s"] / n
        figures.append(f)
        gen = f"generated in {gen_s:.1f} s" if gen_s is not None else "cached"
        print(f"{label(n)} tickets: {f['records']:,} records, {size_mb:,.0f} MB ({gen})")
        print(f"  load+validate {f['load_validate_s']:7.2f} s   (records read, parsed and checked, in one pass: "
              f"{f['records_s']:.2f} s; checks across records and documents {f['cross_record_s']:.2f} s)")
        print(f"  setup         {f['setup_s']:7.2f} s   (rule files validated, goal graph, contract)")
        print(f"  measure       {f['measure_s']:7.2f} s")
        print(f"  judge         {f['judge_s']:7.2f} s   (durable-rules, roll-up, agendas, signals)")
        print(f"  render        {f['render_s']:7.2f} s   (to_data, Markdown, JSON, charts)")
        print(f"  total         {f['total_s']:7.2f} s   (+ {f['imports_s']:.2f} s imports)   "
              f"{f['us_per_ticket']:.1f} µs/ticket")
        print(f"  CPU           {f['cpu_s']:7.2f} s   (every thread, user + system; system {f['sys_s']:.2f} s, "
              f"{f['page_faults']:,} page faults)")
        print(f"  peak memory   {f['peak_mb']:7.0f} MB")
        print(f"  parse only    {f['parse_s']:7.2f} s   (orjson per line {f['parse_orjson_s']:.2f} s, Arrow's JSON reader "
              f"whole files {f['parse_arrow_s']:.2f} s, by blocks on every core {f['parse_arrow_blocks_s']:.2f} s; "
              f"peak {f['parse_peak_mb']:.0f} MB)   audit/parse = {f['floor_ratio']:.2f}x")
        print(f"  results       {f['results']} {f['statuses']}  exit {f['exit_code']}")
        if args.profile:
            if shutil.which("py-spy") and args.profiler != "cprofile":
                spy = CACHE / f"profile-{label(n)}.pyspy.txt"
                run_child("audit", bundle, args.period, spy=spy)
                print_spy(spy, args.top)
            else:
                prof = CACHE / f"profile-{label(n)}.pstats"
                run_child("audit", bundle, args.period, profile=prof)
                print_profile(prof, args.top, f["total_s"])
        print()
    verdicts = targets(figures)
    for line in verdicts:
        print(line)
    if args.json_out:
        args.json_out.write_text(json.dumps({"figures": figures, "targets": verdicts}, indent=2) + "\n")


def targets(figures: list[dict]) -> list[str]:
    """One line per target that the measured sizes allow to judge."""
    by = {f["tickets"]: f for f in figures}
    out = []

    def check(ok: bool, text: str) -> None:
        out.append(f"[{'met' if ok else 'MISSED'}] {text}")

    if 1_000_000 in by:
        f = by[1_000_000]
        check(f["total_s"] <= TARGETS["total_1m_s"], f"1M tickets: {f['total_s']:.2f} s wall (target ≤ 15 s)")
        check(f["peak_mb"] <= TARGETS["peak_1m_mb"], f"1M tickets: peak {f['peak_mb']:.0f} MB (target ≤ 2048 MB)")
    for f in figures:
        check(f["floor_ratio"] <= TARGETS["floor_ratio"],
              f"{label(f['tickets'])}: audit {f['floor_ratio']:.2f}x the parse-only time (target ≤ 2x)")
        cores = f.get("cores") or usable_cores()
        out.append(f"[info] {label(f['tickets'])}: the audit's {f['cpu_s']:.2f} s of CPU, spread perfectly over "
                   f"{cores} core(s), would still take {f['cpu_s'] / cores:.2f} s = "
                   f"{f['cpu_s'] / cores / f['parse_s']:.2f}x the parse-only time")
    if 100_000 in by:
        f = by[100_000]
        check(f["total_s"] <= TARGETS["total_100k_s"], f"100k tickets: {f['total_s']:.2f} s wall (target ≤ 2 s)")
    sizes = sorted(by)
    for a, b in zip(sizes, sizes[1:]):  # the cost of the added tickets: a fixed cost per audit drops out
        marginal = 1e6 * (by[b]["total_s"] - by[a]["total_s"]) / (b - a)
        out.append(f"[info] marginal time per ticket from {label(a)} to {label(b)}: {marginal:.1f} µs "
                   f"(fixed cost per audit ≈ {by[a]['total_s'] - marginal * a / 1e6:.2f} s)")
    if len(sizes) > 1:  # with cost = fixed + marginal × tickets, what flatness leaves room for
        small, large = sizes[0], sizes[-1]
        marginal = (by[large]["total_s"] - by[small]["total_s"]) / (large - small)
        fixed = by[small]["total_s"] - marginal * small
        room = TARGETS["flat"] * marginal / ((1 - TARGETS["flat"]) / small - 1 / large)
        out.append(f"[info] time per ticket flat within ±{100 * TARGETS['flat']:.0f} % from {label(small)} to "
                   f"{label(large)} allows a fixed cost per audit of at most {room:.3f} s at this marginal cost; "
                   f"measured ≈ {fixed:.3f} s")
    if 10_000 in by and len(figures) > 1:
        base = by[10_000]["us_per_ticket"]
        worst = max(abs(f["us_per_ticket"] / base - 1) for f in figures)
        check(worst <= TARGETS["flat"], "time per ticket " + ", ".join(
            f"{label(f['tickets'])} {f['us_per_ticket']:.1f} µs" for f in figures) +
            f" (largest deviation from 10k {100 * worst:.0f} %, target ±30 %)")
    return out


if __name__ == "__main__":
    main()
