"""Shell completion of commands and indicator codes."""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).parent.parent


def complete(words: str) -> list[str]:
    env = {**os.environ, "_KPI_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    out = subprocess.run(["kpi"], cwd=REPO, env=env, capture_output=True, text=True).stdout
    return out.split()


def test_commands_complete():
    assert "score" in complete("kpi sc")
    assert {"status", "advance"} <= set(complete("kpi "))


def test_indicator_codes_complete():
    assert complete("kpi score 0406-07") == ["0406-0772", "0406-0773"]
    assert "0406-0772" in complete("kpi status 0406")
