"""One way to do the same work over many files: in this process, or on worker processes for
large trees, with the cache of checked files (:mod:`kpi_cli.check.cache`) in front.

`kpi validate` checks files with it and `kpi render --all` renders pages with it:

* the parent first asks the cache (`probe`): what it remembers costs less than handing it to a
  worker; after PROBE misses in a row it stops asking (a first run: the workers do it all);
* what is left runs in this process when it is little, else on a pool of worker processes. A
  worker starts with the parent's language and without the parent's pending cache entries, and
  hands back the entries it makes with each result: only the parent writes the cache;
* results come back in the order of the items, and each one advances the progress bar.

The garbage collector is the same for both: paused while the work runs (what is built is
dropped item by item, or kept for good), the parent's objects frozen out of the workers'
copy-on-write pages, and off in the short-lived workers.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from typing import Callable, Sequence

from kpi_cli.check import cache
from kpi_cli.core.i18n import language, set_language

PROBE = 32  # items not in the cache in a row after which the parent stops asking it


def jobs(requested: int | None, n_items: int, parallel_min: int) -> int:
    """Worker processes: as requested, but never more than the items nor than a few per core; by
    default one (this process) below `parallel_min` items, else one per core up to 8."""
    cores = os.cpu_count() or 1
    if requested is not None:
        return max(1, min(requested, n_items, 4 * cores))
    if n_items < parallel_min:
        return 1
    return min(cores, 8)


@contextmanager
def paused_gc():
    """The collector off for a bulk of work, on again after it if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_TASK: dict = {}


def _start(lang: str, work: Callable, setup: Callable | None, setup_args: tuple) -> None:
    """A worker process begins: short-lived, so no collector; none of the parent's cache entries
    (they are the parent's to write); the parent's language (a spawned worker does not see --lang)."""
    gc.disable()
    cache.take_pending()
    set_language(lang)
    _TASK["work"] = work
    if setup is not None:
        setup(*setup_args)


def _call(item):
    """One item in a worker: its result, and the cache entries it made, for the parent to write."""
    return _TASK["work"](item), cache.take_pending()


def run(work: Callable, items: Sequence, *, jobs: int, parallel_min: int, forced: bool = False,
        probe: Callable | None = None, setup: Callable | None = None, setup_args: tuple = (),
        progress=None, chunk_max: int = 64) -> list:
    """`work(item)` of every item, in order, on `jobs` processes (1: this one).

    probe(item): the result from the cache, or None; asked in this process first when there are
    workers. Fewer than `parallel_min` items left after that run here, unless the jobs were
    `forced` (asked for). setup(*setup_args) runs once in each worker, before its first item.
    `work` and `setup` must be module-level functions (or partials of them) for the workers.
    """
    results: list = [None] * len(items)

    def done(i: int, result) -> None:
        results[i] = result
        if progress is not None:
            progress.advance()

    with paused_gc():
        todo = list(range(len(items)))
        if jobs > 1 and probe is not None:
            todo, misses = [], 0
            for i, item in enumerate(items):
                hit = probe(item) if misses < PROBE else None
                if hit is None:
                    todo.append(i)
                    misses += 1
                else:
                    done(i, hit)
                    misses = 0
            if len(todo) < parallel_min and not forced:
                jobs = 1
        if jobs == 1 or not todo:
            for i in todo:
                done(i, work(items[i]))
            return results
        import multiprocessing

        cache.flush()  # what this process learned so far is written now, not copied into every worker
        gc.freeze()  # keep the parent's objects out of the workers' copy-on-write pages
        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        pool = ctx.Pool(jobs, initializer=_start, initargs=(language(), work, setup, setup_args))
        try:
            batch = [items[i] for i in todo]
            chunks = max(1, min(chunk_max, len(batch) // (jobs * 8)))
            for i, (result, entries) in zip(todo, pool.imap(_call, batch, chunksize=chunks)):
                cache.add_pending(entries)  # the workers' cache entries, written by this process
                done(i, result)
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()
            gc.unfreeze()
    return results
