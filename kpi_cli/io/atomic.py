"""Writing the files kpi makes (reports, the site, new indicator files): whole or not at all.

:func:`write_bytes` writes a regular file atomically (a temporary file beside it, then
``os.replace``), with the permissions a plain ``open()`` would give a new file (``0o666`` less the
umask) or those the replaced file had. Through a symbolic link it replaces the file the link
points to and keeps the link. A device, a FIFO or a socket (``-o /dev/stdout``) is opened and
written in place: it is never replaced by a regular file.

Nothing here prints or exits: an ``OSError`` becomes :class:`CannotWrite`, which names the path,
gives the system's reason and says what to do. It imports only the standard library, so every command may use it.

This is the one way kpi writes a file: reports and the site (:func:`write_bytes`), new indicator
files (:func:`write_new`), the strategies `kpi import` appends (:func:`write_bytes` under
:func:`folder_lock`), and changes to an indicator (:func:`replace_if_unchanged`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import time
from contextlib import contextmanager
import stat
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from kpi_cli.core.i18n import _
from kpi_cli.core.problems import KpiError
from kpi_cli.io.source import MAX_BYTES, read_bounded


LOCK_TIMEOUT = 10.0  # seconds to wait for another kpi process writing in the same folder


class WriteRefused(KpiError):
    """The file was left as it was."""


class FileChanged(WriteRefused):
    def __init__(self, display: str):
        self.fix = _("run the command again: it will start from the file as it is now")
        super().__init__(_("{path} changed on disk since kpi read it (another kpi command or an editor "
                           "wrote it); nothing was written").format(path=display))


class FileBusy(WriteRefused):
    def __init__(self, display: str):
        self.fix = _("wait for the other kpi command to finish, then run this one again")
        super().__init__(_("another kpi command is writing in the folder of {path}; nothing was written").format(
            path=display))


class ReadOnly(WriteRefused):
    def __init__(self, display: str):
        self.fix = _("if the change is meant, make the file writable first (chmod u+w {path})").format(path=display)
        super().__init__(_("{path} is read-only: its permissions allow no one to write it; nothing was written").format(
            path=display))


class CannotWrite(KpiError):
    """A file or folder could not be written; nothing was left half written."""

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.fix = fix

    def __reduce__(self):  # raised in a worker process of `kpi render --all`: keep the fix
        return type(self), (str(self), self.fix)


class NotRegular(OSError):
    """The path is a FIFO, a device or a socket, where only a regular file may be written."""


def umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permissions open() gives a new file: 0o666 less the umask (0o644 under umask 022)."""
    return 0o666 & ~umask()


def _blocker(path: Path) -> Path | None:
    """The first part of `path`, from the top, that exists but is not a folder."""
    for part in reversed([path, *path.parents]):
        try:
            if not stat.S_ISDIR(os.stat(part).st_mode):
                return part
        except OSError:
            return None
    return None


def cannot_write(path: Path, exc: OSError, display: str | None = None) -> CannotWrite:
    """The error for `exc`, raised while writing `path`: the path, the system's reason, the fix."""
    shown = display or str(path)
    return CannotWrite(_("cannot write {path}: {reason}").format(path=shown, reason=exc.strerror or exc),
                       fix_for(path, exc, display))


def fix_for(path: Path, exc: OSError, display: str | None = None) -> str:
    """What to do about `exc`, raised while reading or writing `path` (by its errno)."""
    path = Path(path)
    shown = display or str(path)
    folder = path.parent
    code = exc.errno
    blocker = _blocker(path) if code in (errno.ENOTDIR, errno.EEXIST) else None
    if code == errno.EISDIR:
        fix = _("{path} is a folder: name a file to write, or another path").format(path=shown)
    elif blocker is not None:
        fix = _("{file} is a file, not a folder: choose another path, or move that file away").format(file=blocker)
    elif code in (errno.EACCES, errno.EPERM):
        fix = _("you may not write there: choose another path, or ask for write permission on {folder}").format(
            folder=folder)
    elif code == errno.EROFS:
        fix = _("{folder} is on a read-only file system: choose another path").format(folder=folder)
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        fix = _("the disk is full: free some space, or choose another path")
    elif code == errno.ENOENT:
        fix = _("{path} or its folder is gone: check the path, or run the command again").format(path=shown)
    elif isinstance(exc, NotRegular):
        fix = _("remove {path} (nothing but regular files belong there), or choose another folder").format(path=shown)
    else:
        fix = _("check that {folder} is a folder you may write in, or choose another path").format(folder=folder)
    return fix


def make_folder(path: Path, display: str | None = None) -> None:
    """Create the folder `path` and its parents (nothing when it exists); CannotWrite when it cannot."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(Path(path), exc, display) from None


def write_bytes(path: Path, data: bytes, *, display: str | None = None, durable: bool = False,
                keep_same: bool = False, in_place: bool = True) -> bool:
    """Write `data` as the file `path`, creating its folder; a reader never sees half a file.

    `durable`: fsync the file and its folder before returning (indicator files; not every page
    of a site). `keep_same`: leave a file that holds `data` already untouched, modification time
    included (pages of a site rendered again). `in_place`: a device, FIFO or socket at `path` is
    written into (`-o /dev/stdout`); without it, such a node is refused (the pages of a site: a
    FIFO in the site's folder would wait for a reader for ever). Whether the file was written;
    raises CannotWrite, never OSError.
    """
    path = Path(path)
    try:
        return _write(path, data, durable, keep_same, in_place)
    except OSError as exc:
        raise cannot_write(path, exc, display) from None


def _same_content(path: Path, size: int, data: bytes) -> bool:
    if size != len(data):
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(size + 1) == data
    except OSError:
        return False


def _write(path: Path, data: bytes, durable: bool, keep_same: bool = False, in_place: bool = True) -> bool:
    return _write_chunks(path, (data,), keep_same, in_place, durable=durable, whole=data)


def write_chunks(path: Path, chunks: Iterable[bytes], *, display: str | None = None, keep_same: bool = False,
                 in_place: bool = True) -> bool:
    """As :func:`write_bytes`, the bytes given chunk by chunk (a large page: the index of a site)
    and never held whole: written to a temporary file beside `path`, which replaces it only once
    every chunk is written. An exception from `chunks` (a rendering that fails, a body that does
    not match its checksum) leaves `path` as it was and is raised. `keep_same`: a file that holds
    the same bytes already is left untouched (compared once they are all written)."""
    path = Path(path)
    try:
        return _write_chunks(path, chunks, keep_same, in_place)
    except OSError as exc:
        raise cannot_write(path, exc, display) from None


def _write_chunks(path: Path, chunks: Iterable[bytes], keep_same: bool, in_place: bool, *, durable: bool = False,
                  whole: bytes | None = None) -> bool:
    """The one way kpi replaces a file. `whole`: the bytes when they are all known already (then
    `keep_same` compares them before anything is written); `durable`: fsync the file and its folder."""
    try:
        st = os.stat(path)  # through links: what would be written
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        if not in_place:
            raise NotRegular(errno.EINVAL, _("it is not a regular file (a FIFO, a device or a socket)"), str(path))
        _write_in_place(path, chunks)  # a device, FIFO or socket: never replace it
        return True
    if keep_same and st is not None and whole is not None and _same_content(path, st.st_size, whole):
        return False
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path  # keep the link
    if st is None and not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(st.st_mode) if st is not None else new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)  # mkstemp makes 0600
        if keep_same and st is not None and whole is None and _same_files(tmp, target):
            Path(tmp).unlink()
            return False
        if not hasattr(os, "fchmod"):
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_folder(target.parent)
    return True


def _same_files(a: str | Path, b: str | Path, chunk: int = 1 << 16) -> bool:
    try:
        if os.path.getsize(a) != os.path.getsize(b):
            return False
        with open(a, "rb") as fa, open(b, "rb") as fb:
            while True:
                left, right = fa.read(chunk), fb.read(chunk)
                if left != right:
                    return False
                if not left:
                    return True
    except OSError:
        return False


def _write_in_place(path: Path, chunks: Iterable[bytes]) -> None:
    """Open what is there (without creating or truncating anything) and write to it."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


@contextmanager
def folder_lock(folder: Path, display: str, timeout: float | None = None) -> Iterator[None]:
    """One writer at a time in `folder` (flock on the folder itself: no lock files left behind;
    an O_EXCL lock file where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None
    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    if fcntl is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise FileBusy(display) from None
                    time.sleep(0.02)
            _remove_stale_temporaries(folder)
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    lock = folder / ".kpi-write.lock"  # pragma: no cover - Windows
    while True:  # pragma: no cover
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise FileBusy(display) from None
            time.sleep(0.02)
    try:  # pragma: no cover
        yield
    finally:
        lock.unlink(missing_ok=True)


_TEMPORARY = re.compile(r"^\..+\.(?:yaml|yml)\.[A-Za-z0-9_]{8}\.tmp$")


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove what a writer killed mid-write left in `folder`: its temporary copies of indicator
    files. Called with the folder's lock held, so no living kpi writer owns them."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if _TEMPORARY.match(name):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.unlink()


def fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_new(path: Path, data: bytes, display: str, *, replace: bool = False) -> bool:
    """Create the file `path` holding `data` (atomic, durable, one kpi writer at a time in its
    folder, which is made as needed). False, and nothing written, when the file exists (made
    meanwhile by someone else) and `replace` is not given."""
    path = Path(path)
    make_folder(path.parent, display=str(path.parent))
    try:
        with folder_lock(path.parent, display):
            if path.exists() and not replace:
                return False
            write_bytes(path, data, display=display, durable=True)
    except OSError as exc:  # the lock on the folder
        raise cannot_write(path, exc, display) from None
    return True


def replace_if_unchanged(path: Path, data: bytes, digest: str, display: str) -> None:
    """Write `data` over the file `path` (atomic, durable, one kpi writer at a time in its folder),
    unless its bytes no longer hash to `digest` (SHA-256, hex): someone wrote it since it was read."""
    with folder_lock(path.parent, display):
        try:
            current = read_bounded(path, max(len(data), MAX_BYTES) + 1)
        except FileNotFoundError:
            raise FileChanged(display) from None
        if hashlib.sha256(current).hexdigest() != digest:
            raise FileChanged(display)
        if not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise ReadOnly(display)  # even for root: the file says it is not to be changed
        _write(path, data, durable=True)
