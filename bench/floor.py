"""The floor of `kpi validate`: parse every YAML file of a tree with PyYAML's C loader, and
nothing else (no checks, no positions, no output).

    python bench/floor.py TREE            # one process
    python bench/floor.py TREE --jobs 2   # the same files split over two processes (fork)

kpi reads the same files with the same loader, then checks them: on one core this is what kpi
cannot beat, on all cores what kpi's workers could at best come to.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml


def parse(paths: list[str]) -> int:
    for path in paths:
        yaml.load(Path(path).read_bytes(), Loader=yaml.CSafeLoader)
    return len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--jobs", type=int, default=1, help="processes (default 1); 0: one per core")
    args = parser.parse_args()
    files = sorted(str(p) for p in args.tree.rglob("*.yaml"))
    jobs = args.jobs or os.cpu_count() or 1
    if jobs == 1:
        parse(files)
        return
    from multiprocessing import get_context

    context = get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(jobs) as pool:  # contiguous shares: each process reads its own files in order
        size = -(-len(files) // jobs)
        pool.map(parse, [files[i:i + size] for i in range(0, len(files), size)])


if __name__ == "__main__":
    main()
