"""Helpers shared by the scoring tests: a copy of the repository's indicators/ tree to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INDICATORS = REPO / "indicators"

# the top of a small percent indicator of agency 0406, the whole of its agency's weight (tests
# that write its quarters below it)
PERCENT_HEAD = """\
code: "0406-0001"
fiscal_year: 2564
agency: "0406"
title: ร้อยละของคำร้องที่ดำเนินการแล้วเสร็จ
type: routine
level: output
target: {value: 80, unit: ร้อยละ}
weight: {percent: 100}
strategies: ["7.5.1.1"]
scoring: {method: percent}
"""
SEED = INDICATORS / "2564" / "0406-0772.yaml"


def copy_tree(tmp_path: Path, *codes: str) -> Path:
    """tmp_path/indicators with the catalogues and the named indicator files of 2564 (default: all)."""
    root = tmp_path / "indicators"
    (root / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(INDICATORS / name, root / name)
    for src in sorted((INDICATORS / "2564").glob("*.yaml")):
        if not codes or src.stem in codes:
            shutil.copy(src, root / "2564" / src.name)
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file's text (it must be there once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is in {path.name} {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """Write indicator files (code -> text) into tmp_path/indicators/2564, with the shipped
    catalogues, and work there; returns the year folder. Import it into a test module to use it."""
    (tmp_path / "indicators" / "2564").mkdir(parents=True)
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(INDICATORS / name, tmp_path / "indicators" / name)
    monkeypatch.chdir(tmp_path)

    def write(**files: str) -> Path:
        for code, text in files.items():
            (tmp_path / "indicators" / "2564" / f"{code.replace('_', '-')}.yaml").write_text(text, encoding="utf-8")
        return tmp_path / "indicators" / "2564"

    return write
