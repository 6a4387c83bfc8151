"""kpi's benchmark: kpi against the floor and its peers, side by side in one run.

    python bench/run.py                 # 1,000 and 10,000 files (about 3 minutes on 2 cores)
    python bench/run.py --sizes 1000    # quicker

Measures, as whole commands (wall clock, best of several runs):
  * `kpi validate` over N files, against the floor (the same files parsed with PyYAML's C loader
    in one process) and the peer (`check-jsonschema --schemafile <kpi schema>`; yamllint too, when
    installed);
  * cold start: `kpi --help` and `kpi score CODE` against a minimal typer app's `--help` and
    `python -c "import yaml"`;
  * `kpi render --all` for 1,000 indicators against Jinja alone rendering the same contexts.
kpi's commands are measured without the cache of checked files (KPI_NO_CACHE=1), on their first
run with an empty cache, and again with no file changed (the cache lives in the benchmark's
temporary folder, never the user's).
Prints a Markdown report with the machine and the ratios (docs/performance.md records one).
These are measurements, not tests: nothing here fails on a number.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PY = sys.executable
# the console script of this Python (a version manager's shim on PATH would add its own start-up)
_SCRIPT = Path(PY).parent / "kpi"
KPI = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "kpi_cli"]
NO_CACHE = {**os.environ, "KPI_NO_CACHE": "1"}

FLOOR = """
import sys, yaml
from pathlib import Path
for p in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
"""

MINIMAL_TYPER = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world"):
    print(name)
@app.command()
def bye():
    pass
if __name__ == "__main__":
    app()
"""

def timed(cmd: list[str], runs: int = 3, cwd: Path | None = None, env: dict | None = None) -> float:
    """Best wall-clock time of `runs` runs of a command (its output discarded)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {proc.stderr.decode()[:400]}")
        best = min(best, elapsed)
    return best


def fresh_cache(work: Path) -> Path:
    """An empty cache of checked files for the next measurement (never the user's own)."""
    folder = work / "cache"
    shutil.rmtree(folder, ignore_errors=True)
    os.environ["KPI_CACHE_DIR"] = str(folder)
    return folder


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){mem}; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


def row(name: str, seconds: float, ref: float | None, ref_name: str) -> str:
    ratio = f"{seconds / ref:.2f} × {ref_name}" if ref else ""
    return f"| {name} | {seconds:.3f} s | {ratio} |"


def bench_validate(sizes: list[int], work: Path) -> list[str]:
    from kpi_cli.core.json_schema import schema_text

    schema = work / "indicator.schema.json"
    schema.write_text(schema_text(), encoding="utf-8")
    lines = []
    for n in sizes:
        root = generate(n, work / f"tree-{n}")
        files = sorted(str(p) for p in root.glob("*/*.yaml"))
        size = sum(Path(f).stat().st_size for f in files) / len(files) / 1024
        runs = 3 if n <= 2000 else 1
        floor = timed([PY, "-c", FLOOR, str(root)], runs)
        kpi = timed(KPI + ["validate", str(root)], runs, env=NO_CACHE)
        fresh_cache(work)
        first = timed(KPI + ["validate", str(root)], 1)
        warm = timed(KPI + ["validate", str(root)], runs)
        lines.append(f"\n**{n:,} files** ({size:.1f} KB on average)\n")
        lines.append("| command | time | ratio |\n|---|---|---|")
        lines.append(row("floor: PyYAML C loader, one process", floor, None, ""))
        lines.append(row("`kpi validate` (no cache: `KPI_NO_CACHE=1`)", kpi, floor, "floor"))
        lines.append(row("`kpi validate`, first run (empty cache, filling it)", first, floor, "floor"))
        lines.append(row("`kpi validate` again, no file changed", warm, floor, "floor"))
        if shutil.which("check-jsonschema"):
            peer = timed(["check-jsonschema", "--schemafile", str(schema), *files], 1)
            lines.append(row("peer: `check-jsonschema --schemafile <kpi schema>`", peer, floor, "floor"))
            lines.append(f"| | | kpi is {peer / kpi:.1f} × faster than check-jsonschema |")
        if shutil.which("yamllint") and n <= 2000:
            lint = timed(["yamllint", "-d", "relaxed", str(root)], 1)
            lines.append(row("peer: `yamllint -d relaxed` (syntax and style only)", lint, floor, "floor"))
    return lines


def interleaved_medians(cmds: dict[str, tuple[list[str], dict | None]], runs: int = 21,
                        cwd: Path | None = None) -> dict[str, float]:
    """Median wall time of each command, run in turns (one of each per round), so that a
    machine getting busier or quieter weighs on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, (cmd, env) in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def bench_start(work: Path) -> list[str]:
    # an installed kpi has its bytecode compiled by pip, as typer's is; an editable checkout may not
    # (PYTHONDONTWRITEBYTECODE): compile it so both sides start alike
    import compileall

    compileall.compile_dir(str(HERE.parent / "kpi_cli"), quiet=1)
    app = work / "minimal_typer.py"
    app.write_text(MINIMAL_TYPER)
    repo = HERE.parent
    fresh_cache(work)
    score = KPI + ["score", "0406-0772", "--quarter", "4"]
    one = KPI + ["validate", "indicators/2564/0406-0772.yaml"]
    subprocess.run(score, cwd=repo, stdout=subprocess.DEVNULL)  # the cache knows the file from now on
    subprocess.run(one, cwd=repo, stdout=subprocess.DEVNULL)
    runs = {
        '`python -c "import yaml"`': ([PY, "-c", "import yaml"], None),
        "minimal typer app `--help`": ([PY, str(app), "--help"], None),
        "minimal typer app, running a command": ([PY, str(app), "hello", "--name", "x"], None),
        "`kpi --help`": (KPI + ["--help"], None),
        "`kpi score 0406-0772 --quarter 4` (file unchanged since the last run)": (score, None),
        "`kpi score 0406-0772 --quarter 4` (no cache: every run checks the file)": (score, NO_CACHE),
        "`kpi validate indicators/2564/0406-0772.yaml` (file unchanged)": (one, None),
        "`kpi validate indicators/2564/0406-0772.yaml` (no cache)": (one, NO_CACHE),
    }
    medians = interleaved_medians(runs, cwd=repo)
    typer_help = medians["minimal typer app `--help`"]
    lines = ["\n**Cold start** (median of 21 runs, the commands taking turns)\n", "| command | time | ratio |\n|---|---|---|"]
    for name, seconds in medians.items():
        ref = None if name.startswith(("`python", "minimal typer app `--help`")) else typer_help
        lines.append(row(name, seconds, ref, "typer --help"))
    return lines


def bench_render(work: Path, n: int = 1000) -> list[str]:
    """`kpi render --all` against Jinja alone rendering the same report contexts."""
    from kpi_cli.render.report import Renderer
    from kpi_cli.render.tree import tree_reports

    root = generate(n, work / f"render-{n}")
    cold = timed(KPI + ["render", "--all", "-o", str(work / "site-0")], 1, cwd=root.parent, env=NO_CACHE)
    fresh_cache(work)
    first = timed(KPI + ["render", "--all", "-o", str(work / "site-1")], 1, cwd=root.parent)
    warm = min(timed(KPI + ["render", "--all", "-o", str(work / f"site-2-{i}")], 1, cwd=root.parent)
               for i in range(3))  # a new folder each time: every page is written
    renderer = Renderer("html")
    deep = renderer.output(site=True, depth=1)
    reports = list(tree_reports(root, deep, []))
    renderer.render("indicator", deep, report=reports[0])  # compile the template once, as Jinja caches it
    start = time.perf_counter()
    for report in reports:
        renderer.render("indicator", deep, report=report)
    alone = time.perf_counter() - start
    return [f"\n**Reports** ({n:,} indicators)\n", "| command | time | ratio |\n|---|---|---|",
            row("Jinja alone: the indicator template over the same contexts", alone, None, ""),
            row("`kpi render --all -o DIR`, no cache (`KPI_NO_CACHE=1`): parse, check, render", cold, alone,
                "Jinja alone"),
            row("`kpi render --all -o DIR`, first run (empty cache, filling it)", first, alone, "Jinja alone"),
            row("`kpi render --all -o NEW_DIR` again, no file changed", warm, alone, "Jinja alone")]


def main() -> None:
    parser = argparse.ArgumentParser(description="kpi benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--skip-render", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        work = Path(tmp)
        fresh_cache(work)
        lines = [f"Machine: {machine()}", *bench_validate(args.sizes, work), *bench_start(work)]
        if not args.skip_render:
            lines += bench_render(work)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
