"""Reading a file: its bytes and its text, the first step of loading, without YAML.

Light on purpose: a file that the cache of checked files knows goes no further than this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kpi_cli.core.i18n import _
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


_TIS620_HINT = re.compile(rb"[\xa1-\xfb]{3,}")


def _decode(raw: bytes, findings: list[Finding]) -> str | None:
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
        size = path.stat().st_size
        if size > max_bytes:
            findings.append(Finding("file-too-large",
                                    _("the file is {size:,} bytes; the limit is {limit:,}").format(
                                        size=size, limit=max_bytes),
                                    line=1, column=1, fix=_("an indicator file is tens of KB; split or trim it")))
            return None, result
        raw = path.read_bytes()
    except OSError as exc:
        findings.append(Finding("unreadable", _("cannot read the file: {reason}").format(reason=exc.strerror or exc),
                                line=1, column=1))
        return None, result
    return raw, result


def decode(raw: bytes) -> str | None:
    """The text of bytes that decoded before (a cached file's), or None."""
    return _decode(raw, [])
