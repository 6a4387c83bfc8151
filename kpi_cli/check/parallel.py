"""One way to do the same work over many files: in this process, or on worker processes for
large trees, with the cache of checked files (:mod:`kpi_cli.check.cache`) in front.

`kpi validate` checks files with it and `kpi render --all` renders pages with it:

* the parent first asks the cache (`probe`): what it remembers costs less than handing it to a
  worker; after PROBE misses in a row it stops asking (a first run: the workers do it all). Hits
  are yielded as they are found until the first miss; only those after a miss wait for it;
* what is left runs in this process when it is little, else on a pool of worker processes. A
  worker starts with the parent's language and without the parent's pending cache entries, and
  hands back the entries it makes with each result: only the parent writes the cache;
* results are streamed: yielded one by one in the order of the items, as the workers send them,
  so the caller keeps what it needs of each (a summary, a row) and nothing holds every result;
  each one advances the progress bar.

The garbage collector stays on, here and in the workers: a document is freed by its reference
count as soon as it is checked (the per-file path leaves no cycle: tests/test_memory.py), so the
collector rarely runs, and if anything ever did leave a cycle behind, the collector would free
it instead of keeping it for the whole run. The objects that exist before the work (modules,
models, templates, catalogues) are frozen for its duration: collections walk only what the work
made, and forked workers never write to the parent's pages by collecting them.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

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
def frozen_heap():
    """What exists now moved out of the collector's sight for a bulk of work, and back after it:
    a collection then walks only what the work made (never the modules, models and templates),
    and a forked worker never touches the parent's pages to collect them."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_TASK: dict = {}


def _start(lang: str, work: Callable, setup: Callable | None, setup_args: tuple) -> None:
    """A worker process begins: none of the parent's cache entries (they are the parent's to
    write); the parent's language (a spawned worker does not see --lang). The collector is on,
    as in the parent: a worker lives as long as the run."""
    gc.enable()
    cache.take_pending()
    set_language(lang)
    _TASK["work"] = work
    if setup is not None:
        setup(*setup_args)
        gc.freeze()  # what setup built lives as long as the worker: out of the collector's sight


def _call(item):
    """One item in a worker: its result, and the cache entries it made, for the parent to write."""
    return _TASK["work"](item), cache.take_pending()


def run(work: Callable, items: Sequence, *, jobs: int, parallel_min: int, forced: bool = False,
        probe: Callable | None = None, setup: Callable | None = None, setup_args: tuple = (),
        progress=None, chunk_max: int = 64) -> Iterator:
    """`work(item)` of every item, yielded in the items' order, on `jobs` processes (1: this one).

    probe(item): the result from the cache, or None; asked in this process first when there are
    workers. Fewer than `parallel_min` items left after that run here, unless the jobs were
    `forced` (asked for). setup(*setup_args) runs once in each worker, before its first item.
    `work` and `setup` must be module-level functions (or partials of them) for the workers.
    """
    from array import array

    with frozen_heap():
        hits: dict[int, object] = {}
        todo = array("q")  # the items' indexes left to do: 8 bytes each, not an int object and a slot
        first = 0  # the first item not yielded yet
        if jobs > 1 and probe is None:
            todo.extend(range(len(items)))
        elif jobs > 1:
            for result in _probe(items, probe, hits, todo):
                first += 1
                if progress is not None:
                    progress.advance()
                yield result
            if len(todo) < parallel_min and not forced:
                jobs = 1
        rest = range(first, len(items))
        if jobs == 1 or not todo:
            done = (hits.pop(i) if i in hits else work(items[i]) for i in rest)
        else:
            batch = (items[i] for i in todo)  # handed to the workers as they take it: never a second list
            done = _in_order(hits, rest, todo, _on_workers(work, batch, len(todo), jobs, setup, setup_args,
                                                           chunk_max))
        for result in done:
            if progress is not None:
                progress.advance()
            yield result


def _probe(items: Sequence, probe: Callable, hits: dict[int, object], todo) -> Iterator:
    """Ask the cache about every item, in order: its hits are yielded as they are found as long
    as no miss comes before them (with nothing changed, every one: nothing is held); a hit after
    a miss waits in `hits` (by index) for the workers' result of that miss, and the misses' indexes
    go to `todo`. After PROBE misses in a row the cache is not asked again: a first run would pay
    a lookup per file for nothing."""
    misses = 0
    for i, item in enumerate(items):
        hit = probe(item) if misses < PROBE else None
        if hit is None:
            todo.append(i)
            misses += 1
        else:
            misses = 0
            if todo:
                hits[i] = hit
            else:
                yield hit


def _in_order(hits: dict[int, object], indexes: Sequence[int], todo: Sequence[int], computed: Iterator) -> Iterator:
    """The results of `indexes` in order: the cache's hits, and the computed ones (in the order
    of `todo`) between them."""
    pending = iter(todo)
    nxt = next(pending, None)
    for i in indexes:
        if i == nxt:
            nxt = next(pending, None)
            yield next(computed)
        else:
            yield hits.pop(i)


def _on_workers(work: Callable, batch: Iterator, n: int, jobs: int, setup: Callable | None, setup_args: tuple,
                chunk_max: int) -> Iterator:
    """work(item) of every item of `batch` (`n` of them), on a pool of `jobs` worker processes,
    yielded in order as they come back (imap: the parent never waits for the whole batch, nor
    holds it; the items are taken from `batch` as the pipe to the workers has room for them)."""
    import multiprocessing

    cache.flush()  # what this process learned so far is written now, not copied into every worker
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = ctx.Pool(jobs, initializer=_start, initargs=(language(), work, setup, setup_args))
    try:
        chunks = max(1, min(chunk_max, n // (jobs * 8)))
        for result, entries in pool.imap(_call, batch, chunksize=chunks):
            cache.add_pending(entries)  # the workers' cache entries, written by this process
            yield result
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
