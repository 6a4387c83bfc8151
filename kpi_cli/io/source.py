"""Reading a file: its bytes and its text, the first step of loading, without YAML.

Light on purpose: a file that the cache of checked files knows goes no further than this.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kpi_cli.core.i18n import N_, _
from kpi_cli.core.problems import Finding, Level

MAX_BYTES = 2 * 1024 * 1024  # a seed-sized file is 30 KB; anything over 2 MiB is not an indicator


@dataclass
class Loaded:
    """What reading one file gives: the text (when it decoded), the data (when it parsed),
    and the findings so far."""

    path: Path
    text: str | None = None
    data: object = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(f.level is Level.error for f in self.findings)


class NotAFile(OSError):
    """The path is a FIFO, a device, a socket or a folder: nothing kpi reads as a file."""


class TooLarge(OSError):
    def __init__(self, path: Path, size: int, limit: int):
        super().__init__(errno.EFBIG, _("the file is {size:,} bytes or more; the limit is {limit:,}").format(
            size=size, limit=limit), str(path))
        self.size, self.limit = size, limit


_KINDS = ((stat.S_ISDIR, N_("a folder")), (stat.S_ISFIFO, N_("a FIFO (named pipe)")), (stat.S_ISCHR, N_("a device")),
          (stat.S_ISBLK, N_("a device")), (stat.S_ISSOCK, N_("a socket")))


def read_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them: the one way kpi reads a file
    it did not write. Opening never blocks (a FIFO), nothing but a regular file is read (a device
    such as /dev/zero, a folder), and reading stops past the limit. Raises OSError: NotAFile,
    TooLarge, or what the system said."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((_(name) for test, name in _KINDS if test(st.st_mode)), _("not a regular file"))
            raise NotAFile(errno.EINVAL, _("it is {kind}, not a file").format(kind=kind), str(path))
        if st.st_size > limit:
            raise TooLarge(path, st.st_size, limit)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise TooLarge(path, total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


_TIS620_HINT = re.compile(rb"[\xa1-\xfb]{3,}")


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
_WIDE = (("UTF-32", "utf-32-le", 4), ("UTF-32", "utf-32-be", 4), ("UTF-16", "utf-16-le", 2),
         ("UTF-16", "utf-16-be", 2))


def _wide_unicode(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' for a text in one of them: by its byte-order mark, or, without one, when
    its first 4 KB has zero bytes and decodes in it to text without controls (Thai in UTF-16
    has no zero byte in its characters, only in the spaces, digits and letters between them)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    head = raw[:4096]
    if len(head) < 8 or b"\x00" not in head:
        return None
    for name, codec, unit in _WIDE:
        try:
            text = head[: len(head) // unit * unit].decode(codec)
        except UnicodeDecodeError:
            continue
        if ":" in text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
            return name
    return None


def _decode(raw: bytes, findings: list[Finding]) -> str | None:
    wide = _wide_unicode(raw)
    if wide is not None:
        findings.append(Finding("encoding", _("the file is {encoding} text, not UTF-8").format(encoding=wide),
                                line=1, column=1,
                                fix=_("re-save the file as UTF-8 (in your editor choose 'UTF-8', or "
                                      "iconv -f {encoding} -t UTF-8)").format(encoding=wide)))
        return None
    if b"\x00" in raw[:8192]:
        findings.append(Finding("binary-file", _("this is binary data, not a YAML text file"),
                                line=1, column=1, fix=_("point kpi at the indicator's .yaml file")))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        if _TIS620_HINT.search(raw):
            msg = _("the file is not UTF-8: it looks like Thai saved as TIS-620 / Windows-874 "
                    "(byte 0x{byte:02X} at line {line})").format(byte=raw[exc.start], line=line)
            fix = _("re-save the file as UTF-8 (e.g. iconv -f TIS-620 -t UTF-8), or in your editor choose 'UTF-8'")
        else:
            msg = _("the file is not UTF-8 (byte 0x{byte:02X} cannot be decoded)").format(byte=raw[exc.start])
            fix = _("re-save the file with the UTF-8 encoding")
        findings.append(Finding("encoding", msg, line=line, column=column, fix=fix))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[bytes | None, Loaded]:
    """The bytes of one file, or None with the finding that says why (too large, unreadable)."""
    result = Loaded(path)
    findings = result.findings
    try:
        raw = read_bounded(path, max_bytes)
    except TooLarge as exc:
        findings.append(Finding("file-too-large",
                                _("the file is {size:,} bytes; the limit is {limit:,}").format(
                                    size=exc.size, limit=exc.limit),
                                line=1, column=1, fix=_("an indicator file is tens of KB; split or trim it")))
        return None, result
    except NotAFile as exc:
        findings.append(Finding("unreadable", _("cannot read the file: {reason}").format(reason=exc.strerror),
                                line=1, column=1, fix=_("kpi reads regular files only: put the .yaml file itself "
                                                        "there")))
        return None, result
    except OSError as exc:
        findings.append(Finding("unreadable", _("cannot read the file: {reason}").format(reason=exc.strerror or exc),
                                line=1, column=1))
        return None, result
    return raw, result


def decode(raw: bytes) -> str | None:
    """The text of bytes that decoded before (a cached file's), or None."""
    return _decode(raw, [])
