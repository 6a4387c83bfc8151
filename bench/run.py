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
KPI = [PY, "-m", "kpi_cli"] if shutil.which("kpi") is None else [shutil.which("kpi")]

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


def median_time(cmd: list[str], runs: int = 15, cwd: Path | None = None) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


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
    from kpi_cli.schema import schema_text

    schema = work / "indicator.schema.json"
    schema.write_text(schema_text(), encoding="utf-8")
    lines = []
    for n in sizes:
        root = generate(n, work / f"tree-{n}")
        files = sorted(str(p) for p in root.glob("*/*.yaml"))
        size = sum(Path(f).stat().st_size for f in files) / len(files) / 1024
        runs = 3 if n <= 2000 else 1
        floor = timed([PY, "-c", FLOOR, str(root)], runs)
        kpi = timed(KPI + ["validate", str(root)], runs)
        lines.append(f"\n**{n:,} files** ({size:.1f} KB on average)\n")
        lines.append("| command | time | ratio |\n|---|---|---|")
        lines.append(row("floor: PyYAML C loader, one process", floor, None, ""))
        lines.append(row("`kpi validate`", kpi, floor, "floor"))
        if shutil.which("check-jsonschema"):
            peer = timed(["check-jsonschema", "--schemafile", str(schema), *files], 1)
            lines.append(row("peer: `check-jsonschema --schemafile <kpi schema>`", peer, floor, "floor"))
            lines.append(f"| | | kpi is {peer / kpi:.1f} × faster than check-jsonschema |")
        if shutil.which("yamllint") and n <= 2000:
            lint = timed(["yamllint", "-d", "relaxed", str(root)], 1)
            lines.append(row("peer: `yamllint -d relaxed` (syntax and style only)", lint, floor, "floor"))
    return lines


def bench_start(work: Path) -> list[str]:
    # an installed kpi has its bytecode compiled by pip, as typer's is; an editable checkout may not
    # (PYTHONDONTWRITEBYTECODE): compile it so both sides start alike
    import compileall

    compileall.compile_dir(str(HERE.parent / "kpi_cli"), quiet=1)
    app = work / "minimal_typer.py"
    app.write_text(MINIMAL_TYPER)
    repo = HERE.parent
    typer_help = median_time([PY, str(app), "--help"])
    lines = ["\n**Cold start** (median of 15 runs)\n", "| command | time | ratio |\n|---|---|---|"]
    lines.append(row('`python -c "import yaml"`', median_time([PY, "-c", "import yaml"]), None, ""))
    lines.append(row("minimal typer app `--help`", typer_help, None, ""))
    lines.append(row("`kpi --help`", median_time(KPI + ["--help"]), typer_help, "typer --help"))
    lines.append(row("`kpi score 0406-0772 --quarter 4`", median_time(KPI + ["score", "0406-0772", "--quarter", "4"], cwd=repo),
                     typer_help, "typer --help"))
    lines.append(row("`kpi validate indicators/2564/0406-0772.yaml`",
                     median_time(KPI + ["validate", "indicators/2564/0406-0772.yaml"], cwd=repo), typer_help, "typer --help"))
    return lines


def bench_render(work: Path, n: int = 1000) -> list[str]:
    """`kpi render --all` against Jinja alone rendering the same report contexts."""
    from kpi_cli import render

    root = generate(n, work / f"render-{n}")
    full = timed(KPI + ["render", "--all", "-o", str(work / "site")], 1, cwd=root.parent)
    renderer = render.Renderer("html")
    deep = renderer.output(site=True, depth=1)
    reports = list(render.tree_reports(root, deep, []))
    renderer.render("indicator", deep, report=reports[0])  # compile the template once, as Jinja caches it
    start = time.perf_counter()
    for report in reports:
        renderer.render("indicator", deep, report=report)
    alone = time.perf_counter() - start
    return [f"\n**Reports** ({n:,} indicators)\n", "| command | time | ratio |\n|---|---|---|",
            row("Jinja alone: the indicator template over the same contexts", alone, None, ""),
            row("`kpi render --all -o DIR` (whole site, with index and agency pages)", full, alone, "Jinja alone")]


def main() -> None:
    parser = argparse.ArgumentParser(description="kpi benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--skip-render", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        work = Path(tmp)
        lines = [f"Machine: {machine()}", *bench_validate(args.sizes, work), *bench_start(work)]
        if not args.skip_render:
            lines += bench_render(work)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
