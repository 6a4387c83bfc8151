"""kpi's benchmark: every kpi command beside the floor it cannot beat, measured so that it cannot
flatter kpi.

    python bench/run.py                                   # 1,000 and 10,000 files, 3 rounds
    python bench/run.py --sizes 1000,10000,30000 --repeat 3 --out docs/bench.md
    python bench/run.py --sizes 1000 --only validate,score  # quicker
    python bench/run.py --help

How it measures (docs/performance.md explains each choice):
  * every row is a whole process, started the way a user starts it (the `kpi` console script);
  * rows of a group run in turns, one of each per round (kpi, floor, kpi, floor...), for
    --repeat rounds: a machine getting busier or quieter weighs on all of them alike. Each figure
    is the median of its rounds, with the spread (min-max); each ratio is the median of the
    rounds' own ratios (paired), with their spread;
  * wall time and CPU time (user + system, of the process and every worker it waited for), from
    os.wait4; peak memory (the largest resident set of the process or of any one of its workers)
    from /usr/bin/time, which starts the command (wait4's own figure would count the benchmark's
    size too);
  * `kpi validate` against PyYAML's C loader parsing the same files, on one process and split
    over all cores (bench/floor.py); `kpi render --all` against Jinja as a whole process rendering
    and writing the same pages from ready contexts (bench/jinja_site.py), on one process and on
    all cores; `kpi score --all` per indicator; start-up against a minimal typer app;
  * kpi's commands without the cache (KPI_NO_CACHE=1), on a first run (an empty cache, emptied
    before every round) and again with nothing changed (a warm cache: what it does then is
    labelled, e.g. pages copied, not rendered). The caches live in the benchmark's folder.
Prints a Markdown report; --json keeps every sample. Nothing here fails on a number.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PY = sys.executable


def clean_tree(root: Path) -> None:
    """Stop unless kpi finds nothing to say of the generated files: a problem in every third file
    would time the reporting of problems (positions are composed only for files that have one)
    instead of the path a real repository takes."""
    done = subprocess.run([*KPI, "validate", str(root), "--format", "json"], capture_output=True, text=True,
                          env={**os.environ, "KPI_NO_CACHE": "1"}, check=False)
    report = json.loads(done.stdout or "{}")
    if done.returncode != 0 or report.get("errors") or report.get("warnings"):
        sys.exit(f"[bench] the generated tree {root} has problems (bench/generate.py must write valid files): "
                 f"{report.get('errors')} errors, {report.get('warnings')} warnings\n{done.stderr[-2000:]}")
# the console script of this Python (a version manager's shim on PATH would add its own start-up)
_SCRIPT = Path(PY).parent / "kpi"
KPI = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "kpi_cli"]
CORES = os.cpu_count() or 1
GROUPS = ("validate", "score", "render", "start")

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


# --- one run, many runs ----------------------------------------------------------------------

@dataclass
class Sample:
    wall: float  # seconds
    cpu: float   # seconds, user + system, the process and the workers it waited for
    rss: float   # MiB, the largest resident set of the process or of any one of its workers


@dataclass
class Row:
    name: str
    cmd: list[str]
    env: dict | None = None
    cwd: Path | None = None
    before: object = None  # called before each run, untimed (empty a cache, remove an output)
    samples: list[Sample] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(getattr(s, what) for s in self.samples)

    def spread(self, what: str) -> tuple[float, float]:
        values = [getattr(s, what) for s in self.samples]
        return min(values), max(values)


# Linux counts, in the peak memory of a process, the size of the process that started it, up to
# its exec: a Python benchmark of 60 MiB would show as the floor of every row. /usr/bin/time (a
# small C program) starts the command instead, and says its peak.
TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> Sample:
    """One run of a command, its output discarded: wall and CPU time from wait4 (the process and
    every worker it waited for), peak memory from /usr/bin/time (else from wait4)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [TIME, "-f", "%M", "-o", peak.name, *cmd] if TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(map(str, cmd[:6]))} failed ({proc.returncode}):\n"
                             f"{err.read().decode(errors='replace')[-800:]}")
        kib = int(peak.read().split()[-1]) if TIME else usage.ru_maxrss
    return Sample(wall, usage.ru_utime + usage.ru_stime, kib / 1024)


def rounds(rows: list[Row], repeat: int, warmup: bool = True) -> list[Row]:
    """Every row once per round, in turns, for `repeat` rounds; with `warmup`, one untimed run of
    each first (the operating system's caches of the files and of Python's bytecode)."""
    for row in rows if warmup else ():
        if row.before:
            row.before()
        measure(row.cmd, row.env, row.cwd)
    for _ in range(repeat):
        for row in rows:
            if row.before:
                row.before()
            row.samples.append(measure(row.cmd, row.env, row.cwd))
    return rows


def paired(row: Row, ref: Row, what: str) -> tuple[float, float, float]:
    """(median, min, max) of the rounds' own ratios row/ref: each round's pair ran side by side."""
    ratios = [a / b for a, b in zip((getattr(s, what) for s in row.samples), (getattr(s, what) for s in ref.samples))]
    return statistics.median(ratios), min(ratios), max(ratios)


# --- the report --------------------------------------------------------------------------------

def fmt_time(row: Row, what: str) -> str:
    lo, hi = row.spread(what)
    return f"{row.median(what):.3f} s ({lo:.2f}–{hi:.2f})"


def fmt_ratio(row: Row, ref: Row | None, what: str) -> str:
    if ref is None or ref is row:
        return ""
    mid, lo, hi = paired(row, ref, what)
    return f"{mid:.2f} × ({lo:.2f}–{hi:.2f})"


def table(rows: list[Row], refs: list[tuple[str, Row]], extra: dict[str, str] | None = None) -> list[str]:
    """A Markdown table: each row's wall, CPU, peak memory, and its paired ratios against `refs`."""
    head = ["command", "wall, median (min–max)", "CPU, median (min–max)", "peak RSS, median (max)"]
    head += [f"wall ÷ {name}" for name, _ref in refs] + [f"CPU ÷ {name}" for name, _ref in refs]
    if extra:
        head.append("note")
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.name, fmt_time(row, "wall"), fmt_time(row, "cpu"),
                 f"{row.median('rss'):.0f} MiB ({row.spread('rss')[1]:.0f})"]
        cells += [fmt_ratio(row, ref, "wall") for _name, ref in refs]
        cells += [fmt_ratio(row, ref, "cpu") for _name, ref in refs]
        if extra:
            cells.append(extra.get(row.name, ""))
        out.append("| " + " | ".join(cells) + " |")
    return out


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
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines()
                      if ln.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{CORES} cores ({cpu}){mem}; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


def load() -> str:
    try:
        return "load average %.2f, %.2f, %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


# --- what is measured ----------------------------------------------------------------------------

@dataclass
class Bench:
    work: Path
    repeat: int
    warmup: bool = True
    results: dict = field(default_factory=dict)   # (group, size) -> rows, for the targets
    lines: list[str] = field(default_factory=list)

    def cache(self, name: str, empty: bool = False) -> dict:
        """The environment of a kpi run with its own cache `name` in the benchmark's folder."""
        folder = self.work / f"cache-{name}"
        if empty:
            shutil.rmtree(folder, ignore_errors=True)
        return {**os.environ, "KPI_CACHE_DIR": str(folder), "KPI_NO_CACHE": "0"}

    def emptier(self, name: str):
        return lambda: shutil.rmtree(self.work / f"cache-{name}", ignore_errors=True)

    def tree(self, n: int) -> Path:
        root = self.work / f"tree-{n}" / "indicators"
        if not root.is_dir():
            generate(n, root.parent)
            clean_tree(root)
        return root

    def group(self, title: str, rows: list[Row], refs: list[tuple[str, Row]], key: tuple,
              extra=None, note: str = "") -> None:
        """Run the rows in rounds and add their table; `extra()`: a note per row, from the figures."""
        print(f"[bench] {title} ({load()})", file=sys.stderr, flush=True)
        before = load()
        rounds(rows, self.repeat if key[0] != "start" else max(self.repeat, 21), self.warmup or key[0] == "start")
        self.results[key] = rows
        self.lines += [f"\n**{title}** ({len(rows[0].samples)} rounds; {before} before, {load()} after)\n",
                       *([note, ""] if note else []), *table(rows, refs, extra() if extra else None)]

    # `kpi validate`

    def validate(self, n: int, peers: bool) -> None:
        root = self.tree(n)
        no_cache = {**os.environ, "KPI_NO_CACHE": "1"}
        warm = self.cache("validate-warm", empty=True)
        subprocess.run(KPI + ["validate", str(root)], env=warm, stdout=subprocess.DEVNULL, check=True)
        floor1 = Row("floor: PyYAML C loader, one process (`bench/floor.py`)", [PY, str(HERE / "floor.py"), str(root)])
        floor_all = Row(f"floor: PyYAML C loader, {CORES} processes (`bench/floor.py --jobs {CORES}`)",
                        [PY, str(HERE / "floor.py"), str(root), "--jobs", str(CORES)])
        kpi = Row("`kpi validate` (no cache: `KPI_NO_CACHE=1`)", KPI + ["validate", str(root)], no_cache)
        kpi1 = Row("`kpi validate --jobs 1` (no cache)", KPI + ["validate", "--jobs", "1", str(root)], no_cache)
        first = Row("`kpi validate`, first run (cache emptied before each run)", KPI + ["validate", str(root)],
                    self.cache("validate-first"), before=self.emptier("validate-first"))
        again = Row("`kpi validate` again, no file changed (warm cache: no file parsed)",
                    KPI + ["validate", str(root)], warm)
        rows = [floor1, kpi, floor_all, kpi1, first, again]
        if peers and shutil.which("check-jsonschema"):
            from kpi_cli.core.json_schema import schema_text

            schema = self.work / "indicator.schema.json"
            schema.write_text(schema_text(), encoding="utf-8")
            files = sorted(str(p) for p in root.glob("*/*.yaml"))
            rows.append(Row("peer: `check-jsonschema --schemafile <kpi schema>` (the shape only)",
                            ["check-jsonschema", "--schemafile", str(schema), *files]))
        size = sum(p.stat().st_size for p in root.glob("*/*.yaml")) / n / 1024
        self.group(f"`kpi validate`, {n:,} files ({size:.1f} KB on average)", rows,
                   [("floor (1 process)", floor1), (f"floor ({CORES} processes)", floor_all)], ("validate", n))

    # `kpi score --all`

    def score(self, n: int) -> None:
        root = self.tree(n)
        year = max(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit())
        count = len(list((root / str(year)).glob("*.yaml")))
        warm = self.cache("score-warm", empty=True)
        cmd = KPI + ["score", "--all", "-q", "4"]
        subprocess.run(cmd, env=warm, cwd=root.parent, stdout=subprocess.DEVNULL, check=True)
        app = self.work / "minimal_typer.py"
        app.write_text(MINIMAL_TYPER)
        typer_row = Row("minimal typer app, running a command", [PY, str(app), "hello", "--name", "x"])
        cached = Row(f"`kpi score --all -q 4` ({count:,} indicators of {year}), from the cache", cmd, warm, root.parent)
        cold = Row(f"`kpi score --all -q 4` ({count:,} indicators), no cache", cmd,
                   {**os.environ, "KPI_NO_CACHE": "1"}, root.parent)
        rows = [typer_row, cached, cold]
        def per() -> dict[str, str]:
            return {r.name: f"{r.median('wall') / count * 1000:.2f} ms per indicator (wall ÷ {count:,})"
                    for r in (cached, cold)}

        self.group(f"`kpi score --all`, a tree of {n:,} files", rows, [("typer app", typer_row)], ("score", n),
                   extra=per)
        self.results[("score-count", n)] = count

    # `kpi render --all`

    def contexts(self, root: Path, n: int) -> list[Path]:
        """The report contexts of every page of the site, pickled into one file per core (what
        bench/jinja_site.py reads): built here, untimed, as kpi builds them."""
        out = [self.work / f"contexts-{n}-{i}.pkl" for i in range(CORES)]
        if all(p.exists() for p in out):
            return out
        from kpi_cli.render.context import agency_summary, indicator_line, site_index
        from kpi_cli.render.paths import indicator_path
        from kpi_cli.render.report import Renderer
        from kpi_cli.render.rows import rebase
        from kpi_cli.render.tree import tree_agencies, tree_reports

        os.environ["KPI_NO_CACHE"] = "1"  # contexts only: nothing of this goes into a cache
        renderer = Renderer("html")
        deep = renderer.output(site=True, depth=1)
        files = [p.open("wb") for p in out]
        lines = []
        for i, report in enumerate(tree_reports(root, deep, [])):
            pickle.dump((indicator_path(report.fiscal_year, report.code, deep.ext), "indicator", deep,
                         {"report": report}), files[i % CORES])
            lines.append(indicator_line(report))
        for i, agency in enumerate(tree_agencies(root, lines, deep)):
            pickle.dump((f"agency/{agency.code}.{deep.ext}", "agency", deep,
                         {"agency": agency_summary(agency, lines)}), files[i % CORES])
        top = renderer.output(site=True, depth=0)
        top_lines = [rebase(ln, top) for ln in lines]
        pickle.dump((f"index.{top.ext}", "index", top, {"index": site_index(top_lines, tree_agencies(root, lines, top))}),
                    files[-1])
        for f in files:
            f.close()
        os.environ.pop("KPI_NO_CACHE", None)
        return out

    def render(self, n: int) -> None:
        root = self.tree(n)
        shards = self.contexts(root, n)
        site = self.work / f"site-{n}"

        def fresh() -> None:  # a new folder each run: every page is written
            shutil.rmtree(site, ignore_errors=True)

        warm = self.cache("render-warm", empty=True)
        fresh()
        subprocess.run(KPI + ["render", "--all", "-o", str(site)], env=warm, cwd=root.parent,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        jinja1 = Row("Jinja alone, whole process, one core (`bench/jinja_site.py`): start, read contexts, render, "
                     "write", [PY, str(HERE / "jinja_site.py"), str(site), *map(str, shards)], before=fresh)
        jinja_all = Row(f"Jinja alone, whole process, {CORES} processes (`bench/jinja_site.py --jobs {CORES}`)",
                        [PY, str(HERE / "jinja_site.py"), "--jobs", str(CORES), str(site), *map(str, shards)],
                        before=fresh)
        kpi = Row("`kpi render --all -o DIR`, no cache (`KPI_NO_CACHE=1`): parse, check, render, write",
                  KPI + ["render", "--all", "-o", str(site)], {**os.environ, "KPI_NO_CACHE": "1"}, root.parent, fresh)
        first = Row("`kpi render --all -o DIR`, first run (cache emptied before each run)",
                    KPI + ["render", "--all", "-o", str(site)], self.cache("render-first"), root.parent,
                    lambda: (fresh(), self.emptier("render-first")()))
        again = Row("`kpi render --all -o NEW_DIR` again, no file changed (warm cache: pages *copied*, none "
                    "rendered)", KPI + ["render", "--all", "-o", str(site)], warm, root.parent, fresh)
        rows = [jinja1, kpi, jinja_all, first, again]
        self.group(f"`kpi render --all`, {n:,} indicators", rows,
                   [("Jinja (1 process)", jinja1), (f"Jinja ({CORES} processes)", jinja_all)], ("render", n))
        fresh()

    # start-up

    def start(self) -> None:
        import compileall

        # an installed kpi has its bytecode compiled by pip, as typer's is; an editable checkout may
        # not (PYTHONDONTWRITEBYTECODE): compile it so both sides start alike
        compileall.compile_dir(str(REPO / "kpi_cli"), quiet=1)
        app = self.work / "minimal_typer.py"
        app.write_text(MINIMAL_TYPER)
        warm = self.cache("start-warm", empty=True)
        no_cache = {**os.environ, "KPI_NO_CACHE": "1"}
        score = KPI + ["score", "0406-0772", "--quarter", "4"]
        one = KPI + ["validate", "indicators/2564/0406-0772.yaml"]
        for cmd in (score, one):  # the cache knows the file from now on
            subprocess.run(cmd, cwd=REPO, env=warm, stdout=subprocess.DEVNULL, check=True)
        typer_help = Row("minimal typer app `--help`", [PY, str(app), "--help"])
        rows = [Row('`python -c "import yaml"`', [PY, "-c", "import yaml"]), typer_help,
                Row("minimal typer app, running a command", [PY, str(app), "hello", "--name", "x"]),
                Row("`kpi --help`", KPI + ["--help"], warm, REPO),
                Row("`kpi score 0406-0772 --quarter 4` (file unchanged since the last run)", score, warm, REPO),
                Row("`kpi score 0406-0772 --quarter 4` (no cache: every run checks the file)", score, no_cache, REPO),
                Row("`kpi validate indicators/2564/0406-0772.yaml` (file unchanged)", one, warm, REPO),
                Row("`kpi validate indicators/2564/0406-0772.yaml` (no cache)", one, no_cache, REPO)]
        self.group("Start-up", rows, [("typer --help", typer_help)], ("start", 0))


# --- the targets -----------------------------------------------------------------------------------

def targets(bench: Bench, sizes: list[int]) -> list[str]:
    """Each target of docs/performance.md, with the figure it is judged on, met or not."""
    out = ["\n**Against the targets**\n", "| target | result | |", "|---|---|---|"]
    res = bench.results

    def add(target: str, value: float | None, limit: float, unit: str = "×", detail: str = "") -> None:
        if value is None:
            return
        met = "met" if value <= limit else "**missed**"
        out.append(f"| {target} | {value:.2f}{unit}{detail} | {met} |")

    big = max((n for g, n in res if g == "validate"), default=None)
    if big is not None:
        floor1, kpi, floor_all, _kpi1, _first, again = res[("validate", big)][:6]
        add(f"`kpi validate`, no cache, {big:,} files: wall ≤ 1.3 × the {CORES}-process floor",
            paired(kpi, floor_all, "wall")[0], 1.3)
        add(f"`kpi validate`, no cache, {big:,} files: CPU ≤ 1.4 × the floor's CPU (one process)",
            paired(kpi, floor1, "cpu")[0], 1.4)
        add(f"`kpi validate` again, no file changed, {big:,} files: wall ≤ 0.2 × the floor (one process)",
            paired(again, floor1, "wall")[0], 0.2, detail=f" ({paired(again, floor_all, 'wall')[0]:.2f} × the "
                                                              f"{CORES}-process floor)")
    for n in sorted(n for g, n in res if g == "score"):
        cached = res[("score", n)][1]
        count = res[("score-count", n)]
        add(f"`kpi score --all -q 4` from the cache, a tree of {n:,} files: ≤ 0.5 ms per indicator",
            cached.median("wall") / count * 1000, 0.5, " ms")
    for n in sorted(n for g, n in res if g == "render"):
        jinja1, kpi = res[("render", n)][:2]
        add(f"`kpi render --all`, no cache, {n:,} indicators: ≤ 2 × the whole-process Jinja script (one process)",
            paired(kpi, jinja1, "wall")[0], 2.0)
    if ("start", 0) in res:
        rows = {r.name: r for r in res[("start", 0)]}
        typer_help = rows["minimal typer app `--help`"]
        add("`kpi --help` ≤ 1.3 × a minimal typer app's `--help`", paired(rows["`kpi --help`"], typer_help, "wall")[0], 1.3)
        add("a cached `kpi score CODE` ≤ 1.5 × a minimal typer app's `--help`",
            paired(rows["`kpi score 0406-0772 --quarter 4` (file unchanged since the last run)"], typer_help,
                   "wall")[0], 1.5)
    for group in ("validate", "render"):
        ns = sorted(n for g, n in res if g == group)
        if len(ns) < 2:
            continue
        for i, row in enumerate(res[(group, ns[0])]):
            if not row.name.startswith("`kpi"):
                continue
            peaks = [res[(group, n)][i].spread("rss")[1] for n in ns]
            what = row.name
            add(f"peak memory of {what} flat: {ns[-1]:,} ÷ {ns[0]:,} files ≤ 1.3 ×", peaks[-1] / peaks[0], 1.3,
                detail=" (" + ", ".join(f"{p:.0f}" for p in peaks) + " MiB)")
            add(f"peak memory of {what} at {ns[-1]:,} files ≤ 150 MiB", peaks[-1], 150, " MiB")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="kpi's benchmark: every kpi command beside its floor, "
                                     "paired interleaved rounds, wall and CPU time, peak memory.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default="1000,10000",
                        help="tree sizes, comma-separated (default 1000,10000); e.g. 1000,10000,30000")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each group (default 3; start-up: 21)")
    parser.add_argument("--no-warmup", action="store_true",
                        help="no untimed first run of each row (large trees: the set-up has read the files already)")
    parser.add_argument("--only", default=",".join(GROUPS),
                        help=f"groups to run, comma-separated (default all: {','.join(GROUPS)})")
    parser.add_argument("--score-sizes", default="1000,10000",
                        help="tree sizes for `kpi score --all` (default 1000,10000)")
    parser.add_argument("--peers", default="1000",
                        help="sizes at which check-jsonschema runs too (default 1000; 'none' for none)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for trees, caches and sites (kept; default: a temporary folder, removed)")
    parser.add_argument("--json", type=Path, default=None, help="write every sample to this JSON file")
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown report here too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    only = set(args.only.split(","))
    unknown = only - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {', '.join(sorted(unknown))}: choose among {', '.join(GROUPS)}")
    peers = set() if args.peers == "none" else {int(s) for s in args.peers.split(",") if s}
    score_sizes = [int(s) for s in args.score_sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        bench = Bench(work, args.repeat, not args.no_warmup)
        started = time.time()
        bench.lines.append(f"Machine: {machine()}; kpi: `{' '.join(KPI)}`; {load()} at the start")
        for n in sizes:
            if "validate" in only:
                bench.validate(n, n in peers)
        for n in score_sizes:
            if "score" in only:
                bench.score(n)
        for n in sizes:
            if "render" in only:
                bench.render(n)
        if "start" in only:
            bench.start()
        bench.lines += targets(bench, sizes)
        bench.lines.append(f"\n{load()} at the end; {(time.time() - started) / 60:.0f} minutes in all.")
        report = "\n".join(bench.lines)
        print(report)
        if args.out:
            args.out.write_text(report + "\n", encoding="utf-8")
        if args.json:
            args.json.write_text(json.dumps({f"{g}:{n}": ([{"name": r.name, "samples": [s.__dict__ for s in r.samples]}
                                                             for r in rows] if isinstance(rows, list) else rows)
                                             for (g, n), rows in bench.results.items()}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
