"""The cache of checked files: what kpi learned from a file's bytes, kept under their hash.

An indicator's entry holds its problems and the summary that the rules across files need; once a
command has needed the validated indicator (`kpi score`, `kpi render`), its JSON too. A command
that meets the same bytes again, in the same context, skips parsing, the rules and pydantic's
validation: `kpi score` rebuilds the indicator with :func:`kpi_cli.model.construct`.

The key covers everything a file's problems depend on: its bytes, the name kpi shows for it, its
folder's name (the fiscal year), the catalogues' bytes, the language of the messages, and this
kpi's code and the parsers' builds (:func:`fingerprint`). Change any of them and the entry is
simply not found. The rules across files (duplicate codes) are never cached: they run every time.

Entries live outside the repository (``$KPI_CACHE_DIR``, else ``$XDG_CACHE_HOME/kpi``, else
``~/.cache/kpi``), in one SQLite file that only the user can write, as JSON: a pull request cannot
bring cache entries with it, and an entry is data, never code. One database rather than a file per
entry: creating ten thousand small files costs more than checking them. The cache is best effort:
a locked, damaged or unwritable database is a miss, never an error. ``KPI_NO_CACHE=1`` (or
``kpi --no-cache``) turns it off; ``kpi cache`` shows and clears it.

Writes are collected and written in one transaction when the command ends (:func:`flush`); worker
processes hand theirs to the parent (:func:`take_pending`).

Besides the entries of checked files, the table `shown` keeps what a command shows for a file
(a row of `kpi score --all`, under a key of the same things and the quarter): bytes with their
checksum (:func:`put_shown`, :func:`get_shown`), read many keys to a query.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

from kpi_cli.core.i18n import _

FORMAT = "1"
MAX_AGE_DAYS = 30  # entries not written for this long are dropped, once a day at most
FLUSH_EVERY = 500  # entries kept in memory before they are written (small ones: validate's)
FLUSH_BYTES = 1 << 20  # or this many bytes of them (pages of a site: about 40 KB each)
CHUNK = 1 << 16  # bytes read or written at a time by the streamed bodies (pages of a site's index)
SHOWN_BATCH = 500  # keys asked in one query (SQLite allows 999 parameters at least)
_state: dict = {}


def disable() -> None:
    """No cache for the rest of this process (`kpi --no-cache`)."""
    _state["off"] = True


def enable() -> None:
    _state.pop("off", None)


def directory() -> Path:
    """The cache's folder (whether or not the cache is on)."""
    if os.environ.get("KPI_CACHE_DIR"):
        return Path(os.environ["KPI_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kpi"


def database() -> Path:
    return directory() / f"checked-v{FORMAT}.sqlite3"


def active() -> bool:
    return not _state.get("off") and os.environ.get("KPI_NO_CACHE", "") in ("", "0")


def fingerprint() -> str:
    """This kpi's code and data (the content of its modules, JSON Schema and translations), the
    versions of PyYAML, pydantic and PyThaiNLP (whose dictionary says where Thai text breaks in the
    tables and pages kept), Python's version and the language of messages: what an
    entry's content depends on besides the file itself. By content, not by the files' times: a
    fresh install of the same kpi (a CI runner) meets its own entries, and a change that keeps a
    file's size and time (builds with fixed dates) is still a change."""
    from kpi_cli import __version__
    from kpi_cli.core.i18n import language

    lang = language()
    cached = _state.get("fingerprint")
    if cached is not None and cached[0] == lang:
        return cached[1]
    package = Path(__file__).resolve().parent.parent
    files = []
    for folder, _dirs, names in sorted(os.walk(package)):
        if "__pycache__" not in folder:
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith((".py", ".json", ".mo"))]
    head = f"kpi-cache {FORMAT} {__version__} {sys.version} {lang} {' '.join(_versions())}"
    # hashing the content costs a few milliseconds, so it is remembered under the files' status
    # on this machine: any write to a file changes its ctime, which no tool can set back
    stats = hashlib.sha256(head.encode())
    for path in files:
        st = os.stat(path)
        stats.update(f"{path} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}\n".encode())
    signature = stats.hexdigest()
    value = _remembered_fingerprint(signature)
    if value is None:
        h = hashlib.sha256(head.encode())
        for path in files:
            with open(path, "rb") as fh:
                h.update(f"{os.path.relpath(path, package)}\0".encode())
                h.update(hashlib.sha256(fh.read()).digest())
        value = h.hexdigest()
        _remember_fingerprint(signature, value)
    _state["fingerprint"] = (lang, value)
    return value


def _remembered_fingerprint(signature: str) -> str | None:
    import sqlite3

    db = _connect() if active() else None
    try:
        row = db.execute("select value from code where signature = ?", (signature,)).fetchone() if db else None
    except sqlite3.Error:
        return None
    return row[0] if row and isinstance(row[0], str) else None


def _remember_fingerprint(signature: str, value: str) -> None:
    import sqlite3

    db = _connect() if active() else None
    if db is None:
        return
    try:
        db.execute("insert or replace into code values (?, ?)", (signature, value))
    except sqlite3.Error:
        pass


def _versions() -> list[str]:
    """The versions of the parsers and of PyThaiNLP, without importing them: pydantic is imported
    already (typer uses it), and the others' dist-info folders sit beside it in a normal install."""
    import pydantic
    import pydantic_core

    found = [f"pydantic={pydantic.VERSION}", f"pydantic_core={pydantic_core.__version__}"]
    site = os.path.dirname(os.path.dirname(pydantic.__file__))
    try:
        names = os.listdir(site)
    except OSError:
        names = []
    # PyThaiNLP's dictionary says where a Thai text may break: the tables and pages kept depend on it
    for package, distribution in (("yaml", "pyyaml-"), ("pythainlp", "pythainlp-")):
        dists = sorted(n for n in names if n.lower().startswith(distribution) and n.endswith(".dist-info"))
        if not dists:  # installed elsewhere: where its package is
            from importlib.util import find_spec

            spec = find_spec(package)
            dists = [spec.origin if spec else "?"]
        found.append(f"{package}={','.join(dists)}")
    return found


def key(kind: str, raw: bytes, *context: str) -> bytes:
    """The key of `raw` (a file's bytes) read as `kind` in `context` (its name, its folder,
    the catalogues' key...)."""
    h = hashlib.sha256(f"{fingerprint()}\0{kind}\0".encode())
    for part in context:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    h.update(hashlib.sha256(raw).digest())
    return h.digest()


def keyer(kind: str):
    """key(kind, raw, *context) as a function of (raw, *context), for many files: the same keys,
    the common part hashed once."""
    start = hashlib.sha256(f"{fingerprint()}\0{kind}\0".encode())
    sha256 = hashlib.sha256

    def key_of(raw: bytes, *context: str) -> bytes:
        h = start.copy()
        for part in context:
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        h.update(sha256(raw).digest())
        return h.digest()
    return key_of


# --- the database --------------------------------------------------------------------

def _connect():
    """The database of this process (a forked worker opens its own), or None when it cannot
    be opened: then nothing is cached."""
    pid = os.getpid()
    where = (os.environ.get("KPI_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))
    if _state.get("pid") == pid and _state.get("where") == where:
        return _state.get("db")
    if _state.get("db") is not None and _state.get("pid") != pid:
        # a connection inherited by fork is never used, nor closed (closing it here could touch
        # the parent's database): it is kept alive and forgotten
        _state.setdefault("inherited", []).append(_state["db"])
    _state.update(pid=pid, where=where, db=None)
    import sqlite3

    try:
        folder = directory()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        existed = database().exists()
        if not _private(folder) or (existed and not _private(database())):
            return None  # someone else's folder or database: never trust its entries
        db = sqlite3.connect(database(), timeout=2.0, isolation_level=None, check_same_thread=False)
        if db.execute("pragma journal_mode").fetchone()[0] != "wal":  # the mode stays with the file
            try:
                db.execute("pragma journal_mode=wal")
            except sqlite3.Error:  # a file system without shared memory (NFS): the default journal
                pass
        db.execute("pragma synchronous=normal")
        # a small page cache (SQLite's default is 2 MiB a connection): the system keeps the file's
        # pages anyway, and a run over 30,000 files would otherwise grow by the cache's size
        db.execute("pragma cache_size=-256")
        db.execute("create table if not exists entry (key blob primary key, head text not null, "
                   "written integer not null) without rowid")
        db.execute("create table if not exists model (key blob primary key, body blob not null)")
        db.execute("create table if not exists code (signature text primary key, value text not null)")
        db.execute("create table if not exists shown (key blob primary key, body blob not null, "
                   "written integer not null) without rowid")
        if not existed:
            try:
                os.chmod(database(), 0o600)
            except OSError:
                pass
    except (sqlite3.Error, OSError):
        return None
    _state["db"] = db
    return db


def unusable() -> str | None:
    """Why the cache is on but cannot be used (then every command checks every file again), or None."""
    folder = directory()
    if folder.exists() and not folder.is_dir():
        return _("{path} is a file, not a folder").format(path=folder)
    if _connect() is not None:
        return None
    if folder.is_dir() and not _private(folder):
        return _("{path} belongs to someone else or others may write it: its entries are not trusted").format(
            path=folder)
    if database().exists() and not _private(database()):
        return _("{path} belongs to someone else or others may write it: its entries are not trusted").format(
            path=database())
    return _("the database in {path} cannot be opened or created").format(path=folder)


def _private(path: Path) -> bool:
    """Owned by this user, and writable by nobody else: entries from elsewhere are not trusted."""
    if not hasattr(os, "getuid"):
        return True
    st = os.stat(path)
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def get(k: bytes, *, model: bool = False) -> tuple[dict, bytes | None] | None:
    """(head, model JSON or None) of the entry `k`; None on a miss, or when the entry or the
    database cannot be read. The model's JSON is read only when asked for."""
    if not active():
        return None
    import sqlite3

    db = _connect()
    if db is None:
        return None
    try:
        row = db.execute("select head from entry where key = ?", (k,)).fetchone()
        if row is None:
            return None
        head = json.loads(row[0])
        body = None
        if model and isinstance(head, dict):
            found = db.execute("select body from model where key = ?", (k,)).fetchone()
            body = bytes(found[0]) if found else None
            if body is not None and hashlib.sha256(body).hexdigest()[:32] != head.get("sum"):
                body = None  # damaged: as if it had never been kept
    except (sqlite3.Error, ValueError, TypeError, RecursionError):
        return None
    return (head, body) if isinstance(head, dict) else None


def get_shown(keys: list[bytes]) -> dict[bytes, bytes]:
    """The bodies kept by :func:`put_shown` under `keys` (those found, whole and undamaged), asked
    in a few queries rather than one a key."""
    if not keys or not active():
        return {}
    import sqlite3

    db = _connect()
    if db is None:
        return {}
    found: dict[bytes, bytes] = {}
    sha256 = hashlib.sha256
    try:
        for at in range(0, len(keys), SHOWN_BATCH):
            batch = keys[at:at + SHOWN_BATCH]
            query = f"select key, body from shown where key in ({','.join('?' * len(batch))})"
            for k, body in db.execute(query, batch):
                if isinstance(k, bytes) and isinstance(body, bytes) and len(body) > 32 \
                        and sha256(body[32:]).hexdigest()[:32].encode() == body[:32]:
                    found[k] = body[32:]  # else damaged: as if it had never been kept
    except sqlite3.Error:
        return {}
    return found


def put_shown(k: bytes, body: bytes) -> None:
    """Keep `body` (bytes: JSON, never code) under `k`, with its checksum: what a command shows for
    one file (a row of `kpi score --all`), written with the other entries when the command ends."""
    add_pending([(k, None, hashlib.sha256(body).hexdigest()[:32].encode() + body)])


def put(k: bytes, head: dict, body: bytes | None = None) -> None:
    """Remember an entry: written with the others when the command ends (:func:`flush`)."""
    if body is not None:
        head = {**head, "sum": hashlib.sha256(body).hexdigest()[:32]}  # SQLite does not check values
    # ASCII: a file name that is not UTF-8 gives messages with lone surrogates, which SQLite refuses
    add_pending([(k, json.dumps(head, ensure_ascii=True, separators=(",", ":")), body)])


class Damaged(ValueError):
    """A streamed body that does not match its entry's checksum, or could not be read whole."""


def body_chunks(k: bytes):
    """(head, the body of the entry `k` chunk by chunk) for a large body (a site's index), or None
    on a miss. The chunks are checked against the entry's checksum as they are read: a damaged
    body raises :class:`Damaged` after its last chunk, before the reader's end (a file written
    from them must be kept only once every chunk is in)."""
    hit = get(k)
    db = _connect() if hit is not None else None
    if db is None:
        return None
    import sqlite3

    try:
        row = db.execute("select rowid from model where key = ?", (k,)).fetchone()
    except sqlite3.Error:
        return None
    if row is None or not isinstance(hit[0].get("sum"), str):
        return None
    return hit[0], _chunks(db, row[0], hit[0]["sum"])


def _chunks(db, rowid: int, expected: str):
    import sqlite3

    h = hashlib.sha256()
    try:
        with db.blobopen("model", "body", rowid, readonly=True) as blob:
            while chunk := blob.read(CHUNK):
                h.update(chunk)
                yield chunk
    except sqlite3.Error:
        raise Damaged("unreadable") from None
    if h.hexdigest()[:32] != expected:
        raise Damaged("checksum")


def put_file(k: bytes, head: dict, path: Path, digest: str) -> None:
    """Remember an entry whose body is the file `path` (a large page: a site's index), written now,
    chunk by chunk, in this process (the parent's): never held whole in memory. `digest`: the
    SHA-256 (hex) of the bytes that were written there; a file that no longer holds them (changed
    meanwhile) is not kept. Best effort, as :func:`flush`: whatever goes wrong, nothing is kept."""
    if not active():
        return
    db = _connect()
    if db is None:
        return
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            db.execute("begin immediate")
            db.execute("insert or replace into model values (?, zeroblob(?))", (k, size))
            rowid = db.execute("select rowid from model where key = ?", (k,)).fetchone()[0]
            with db.blobopen("model", "body", rowid) as blob:
                while chunk := fh.read(min(CHUNK, size - blob.tell())):
                    h.update(chunk)
                    blob.write(chunk)
                if blob.tell() != size or fh.read(1) or h.hexdigest() != digest:
                    raise Damaged("the file is not what was written")
        head = {**head, "sum": h.hexdigest()[:32]}
        db.execute("insert or replace into entry values (?, ?, ?)",
                   (k, json.dumps(head, ensure_ascii=True, separators=(",", ":")), int(time.time() // 86400)))
        db.execute("commit")
    except Exception:  # noqa: BLE001  the cache only saves time: whatever went wrong, nothing is kept
        _rollback(db)


def take_pending() -> list:
    """The entries remembered and not yet written: a worker process hands them to its parent."""
    _state.pop("pending_bytes", None)
    return _state.pop("pending", [])


def add_pending(entries: list) -> None:
    """Remember entries (a worker's, from :func:`take_pending`) to write when the command ends."""
    if not entries or not active():
        return
    pending = _state.setdefault("pending", [])
    pending.extend(entries)
    size = _state["pending_bytes"] = _state.get("pending_bytes", 0) + sum(
        len(head or "") + len(body or b"") for _k, head, body in entries)
    if _state.get("atexit") != os.getpid():
        import atexit

        atexit.register(flush)
        _state["atexit"] = os.getpid()
    if (len(pending) >= FLUSH_EVERY or size >= FLUSH_BYTES) and _state.get("pid", os.getpid()) == os.getpid():
        flush()  # by count and by size: a first run of a large site would hold hundreds of pages


def flush() -> None:
    """Write the remembered entries in one transaction. Failures are ignored: the cache only
    saves time, and an entry not written is computed again next time."""
    pending = take_pending()
    if not pending or not active():
        return
    db = _connect()
    if db is None:
        return
    today = int(time.time() // 86400)
    try:
        db.execute("begin immediate")
        db.executemany("insert or replace into entry values (?, ?, ?)",
                       [(k, head, today) for k, head, _body in pending if head is not None])
        db.executemany("insert or replace into model values (?, ?)",
                       [(k, body) for k, head, body in pending if body is not None and head is not None])
        db.executemany("insert or replace into shown values (?, ?, ?)",  # put_shown's: no head
                       [(k, body, today) for k, head, body in pending if head is None])
        db.execute("commit")
    except Exception:  # noqa: BLE001  the cache only saves time: whatever went wrong, nothing is kept
        _rollback(db)
        return
    _prune_now_and_then(db, today)


def _rollback(db) -> None:
    import sqlite3

    try:
        if db.in_transaction:
            db.execute("rollback")
    except sqlite3.Error:
        pass


def _prune_now_and_then(db, today: int) -> None:
    import sqlite3

    try:
        last = db.execute("pragma user_version").fetchone()[0]
        if last == today:
            return
        prune(MAX_AGE_DAYS, db)
        db.execute(f"pragma user_version = {int(today)}")
    except sqlite3.Error:
        pass


def prune(days: float, db=None) -> int:
    """Drop entries not written for `days` days: how many were dropped."""
    import sqlite3

    db = db or _connect()
    if db is None:
        return 0
    cutoff = int(time.time() // 86400 - days)
    try:
        db.execute("begin immediate")
        n = db.execute("delete from entry where written < ?", (cutoff,)).rowcount
        db.execute("delete from model where key not in (select key from entry)")
        n += db.execute("delete from shown where written < ?", (cutoff,)).rowcount
        db.execute("delete from code")  # fingerprints of kpi's files: recomputed at the next start
        db.execute("commit")
    except sqlite3.Error:
        _rollback(db)
        return 0
    return n


def usage() -> tuple[int, int, int]:
    """(entries, of which with the indicator's JSON, bytes on disk)."""
    import sqlite3

    size = sum(p.stat().st_size for p in directory().glob(f"{database().name}*") if p.is_file()) \
        if directory().is_dir() else 0
    if not database().exists():
        return 0, 0, size
    db = _connect()
    try:
        entries = db.execute("select (select count(*) from entry) + (select count(*) from shown)").fetchone()[0] \
            if db else 0
        models = db.execute("select count(*) from model").fetchone()[0] if db else 0
    except sqlite3.Error:
        entries = models = 0
    return entries, models, size


def clear() -> int:
    """Remove every entry: how many there were."""
    entries, _models, _size = usage()
    _state.pop("pending", None)
    _state.pop("pending_bytes", None)
    db = _state.get("db") if _state.get("pid") == os.getpid() else None
    if db is not None:
        db.close()
    _state.pop("db", None)
    _state.pop("pid", None)
    for path in directory().glob(f"{database().name}*") if directory().is_dir() else ():
        try:
            path.unlink()
        except OSError:
            pass
    return entries
