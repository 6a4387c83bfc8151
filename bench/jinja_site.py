"""Jinja alone, as a whole process doing what `kpi render --all` does after checking: start
Python, read the report contexts (pickled by bench/run.py from the same tree), render every page
(indicators, agencies, the index) with kpi's templates and filters, and write each page.

    python bench/jinja_site.py OUT_DIR CONTEXTS.pkl [CONTEXTS-2.pkl ...]   # one process
    python bench/jinja_site.py --jobs 2 OUT_DIR CONTEXTS-1.pkl CONTEXTS-2.pkl  # a process per file

What it leaves out is exactly what kpi adds: reading and parsing YAML, checking the files,
building the contexts and the cache.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path


def render_all(out: Path, contexts: Path) -> int:
    from kpi_cli.render.report import Renderer

    renderer = Renderer("html")
    n = 0
    with contexts.open("rb") as f:
        while True:
            try:
                path, kind, output, context = pickle.load(f)
            except EOFError:
                return n
            text = renderer.render(kind, output, **context)
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            n += 1


def _shard(args: tuple[Path, Path]) -> int:
    return render_all(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="processes, one per file of contexts")
    parser.add_argument("out", type=Path)
    parser.add_argument("contexts", type=Path, nargs="+")
    args = parser.parse_args()
    if args.jobs == 1:
        for contexts in args.contexts:
            render_all(args.out, contexts)
        return
    from multiprocessing import get_context

    from kpi_cli.render.report import Renderer  # imported once, before the workers fork

    Renderer("html")
    context = get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(args.jobs) as pool:
        pool.map(_shard, [(args.out, c) for c in args.contexts])


if __name__ == "__main__":
    main()
