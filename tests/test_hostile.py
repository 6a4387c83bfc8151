"""Hostile and odd input, as a red team throws it: a table of inputs × commands. Each ends in exit
1 or 2 with a message, never a traceback, within seconds (a hang is a failure), and leaves every
file the user did not ask to change byte for byte as it was."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpi_cli.cli import app

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "indicators" / "2564" / "0406-0772.yaml"
CODE = "0406-0772"
runner = CliRunner()


def kpi(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """kpi in a process of its own, so that a hang is seen (and killed) instead of hanging the tests."""
    env = {**os.environ, "KPI_LANG": "en", "KPI_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "kpi_cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(REPO / "indicators", tmp_path / "indicators")
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and not p.name.startswith(".")}


COMMANDS = [
    ["validate"],
    ["score", CODE, "-q", "4"],
    ["status", CODE],
    ["render", CODE, "-f", "txt"],
    ["idea", "add", CODE, "ความคิดเห็นใหม่"],
    ["render", "--all", "-o", "site"],
]


def _fifo_indicator(root: Path) -> None:
    path = root / "indicators" / "2564" / f"{CODE}.yaml"
    path.unlink()
    os.mkfifo(path)


def _fifo_catalogue(root: Path) -> None:
    path = root / "indicators" / "agencies.yaml"
    path.unlink()
    os.mkfifo(path)


def _zero_catalogue(root: Path) -> None:
    path = root / "indicators" / "agencies.yaml"
    path.unlink()
    path.symlink_to("/dev/zero")


def _long_number(root: Path) -> None:
    path = root / "indicators" / "2564" / f"{CODE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    performance: 30.00", "    performance: " + "9" * 5000),
                    encoding="utf-8")


def _sexagesimal(root: Path) -> None:
    path = root / "indicators" / "2564" / f"{CODE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    performance: 30.00", "    performance: 12:30"),
                    encoding="utf-8")


DAMAGE = {"fifo-indicator": _fifo_indicator, "fifo-catalogue": _fifo_catalogue, "zero-catalogue": _zero_catalogue,
          "5000-digits": _long_number, "sexagesimal": _sexagesimal}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage_times_commands(repo, damage, command):
    DAMAGE[damage](repo)
    before = snapshot(repo / "indicators")
    done = kpi(repo, *command, timeout=30)
    assert done.returncode in (1, 2), (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    assert "error" in (done.stdout + done.stderr).lower()
    assert snapshot(repo / "indicators") == before


@pytest.mark.parametrize("page", ["fifo", "/dev/zero", "folder"])
def test_import_reads_only_a_regular_file(repo, page):
    if page == "fifo":
        os.mkfifo(repo / "page.txt")
        page = "page.txt"
    elif page == "folder":
        (repo / "pages").mkdir()
        page = "pages"
    done = kpi(repo, "import", page, timeout=30)
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr, done.stderr
    # a folder is a folder of pages (`kpi import DIR`): an empty one has none to import
    assert "not a file" in done.stderr or "directory" in done.stderr or "no .txt, .html or .htm pages" in done.stderr, \
        done.stderr


def test_a_read_only_indicator_is_not_rewritten(repo, monkeypatch):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    path.chmod(0o444)
    before = path.read_bytes()
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["idea", "add", CODE, "ความคิดเห็นใหม่"])
    assert result.exit_code == 1 and path.read_bytes() == before
    assert "is read-only" in result.output and "chmod u+w" in result.output


def test_a_lone_carriage_return_is_kept_by_refusing(repo, monkeypatch):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    text = path.read_bytes().replace(b"summary: \"\"", b"summary: \"\"\r# a note", 1)
    path.write_bytes(text)
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["idea", "add", CODE, "ความคิดเห็นใหม่"])
    assert path.read_bytes() == text
    assert result.exit_code == 1 and "lone carriage return" in result.output, result.output


def test_a_writer_killed_mid_write_leaves_nothing_behind_after_the_next_write(repo, monkeypatch):
    folder = repo / "indicators" / "2564"
    stale = folder / f".{CODE}.yaml.ab3_x9zq.tmp"  # what a kill -9 between mkstemp and rename leaves
    stale.write_bytes(b"half a file")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["idea", "add", CODE, "ความคิดเห็นใหม่"])
    assert result.exit_code == 0, result.output
    assert not stale.exists()


def test_a_full_disk_is_named_with_its_fix(repo, monkeypatch):
    monkeypatch.chdir(repo)
    real = os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith(".yaml"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    before = path.read_bytes()
    result = runner.invoke(app, ["idea", "add", CODE, "ความคิดเห็นใหม่"])
    assert result.exit_code == 1 and path.read_bytes() == before
    assert "the disk is full" in result.output and "check that the file and its folder exist" not in result.output
    assert not list(path.parent.glob(".*.tmp"))


def test_kill_during_a_write_leaves_the_old_or_the_new_file(repo):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    before = path.read_bytes()
    env = {**os.environ, "KPI_LANG": "en", "KPI_NO_CACHE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "kpi_cli", "idea", "add", CODE, "ฆ่ากลางทาง"], cwd=repo, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=0.8)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    after = path.read_bytes()
    assert after == before or "ฆ่ากลางทาง".encode() in after
    done = kpi(repo, "validate")
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("text, rule", [
    ("summary: 2021-01-01", "implicit-type"),  # a date where text belongs
    ("~", "top-level-mapping"),
    ("null\n# nothing else", "top-level-mapping"),
])
def test_what_validate_accepts_every_command_accepts(repo, text, rule):
    path = repo / "indicators" / "2564" / f"{CODE}.yaml"
    if text.startswith("summary"):
        seed = path.read_text(encoding="utf-8")
        path.write_text(seed.replace('summary: ""', text, 1), encoding="utf-8")
    else:
        path.write_text(text + "\n", encoding="utf-8")
    validated = kpi(repo, "validate", "--format", "json")
    assert validated.returncode == 1 and f'"rule": "{rule}"' in validated.stdout
    scored = kpi(repo, "score", CODE, "-q", "4")
    assert scored.returncode == 1 and "has 1 error" in scored.stderr and "0 errors" not in scored.stderr


def test_a_folder_named_like_an_indicator_is_said_not_skipped(repo):
    (repo / "indicators" / "2564" / "0406-0999.yaml").mkdir()
    done = kpi(repo, "validate")
    assert done.returncode == 1 and "0406-0999.yaml:1:1: error [unreadable]" in done.stdout


def test_import_of_a_page_whose_name_is_not_utf8(repo):
    name = os.fsdecode(b"page\xff.txt")
    shutil.copy(REPO / "tests" / "fixtures" / "pages" / "seed-0406-0772.txt", repo / name)
    (repo / "indicators" / "2564" / f"{CODE}.yaml").unlink()
    done = kpi(repo, "import", name)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "page\\xff.txt" in (repo / "indicators" / "2564" / f"{CODE}.yaml").read_text(encoding="utf-8")


def test_import_never_writes_a_file_that_validate_refuses(repo):
    page = (REPO / "tests" / "fixtures" / "pages" / "seed-0406-0772.txt").read_text(encoding="utf-8")
    (repo / "page.txt").write_text(page.replace("8/สปท.ความสำเร็จ", "8/สปท." + "ก" * 1_000_000 + "ความสำเร็จ", 1),
                                   encoding="utf-8")
    before = snapshot(repo / "indicators")
    done = kpi(repo, "import", "page.txt", "--force")
    assert done.returncode == 1 and "[file-too-large] the file would be" in done.stdout + done.stderr
    assert snapshot(repo / "indicators") == before


def test_diff_reads_no_blob_larger_than_an_indicator(repo):
    def git(*args):
        subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=repo, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    (repo / "indicators" / "2564" / f"{CODE}.yaml").write_bytes(b"a" * (3 * 1024 * 1024))
    git("commit", "-qam", "huge")
    done = kpi(repo, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert '"status": "invalid"' in done.stdout


def test_an_unreadable_year_folder_stops_render_all_and_score_all(repo, monkeypatch):
    real = os.listdir

    def listdir(path="."):  # as `chmod 000` does for a user who is not root
        if Path(path).name == "2564":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.chdir(repo)
    for args in (["render", "--all", "-o", "site"], ["score", "--all", "-q", "4"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert "the folder indicators/2564 cannot be read (Permission denied)" in result.output.replace(
            str(repo) + "/", ""), result.output
    assert not (repo / "site" / "index.html").exists()


def test_import_of_a_figure_longer_than_any_figure(repo):
    page = (REPO / "tests" / "fixtures" / "pages" / "seed-0406-0772.txt").read_text(encoding="utf-8")
    (repo / "page.txt").write_text(page.replace("ค่าเป้าหมาย คะแนน : 10", "ค่าเป้าหมาย คะแนน : 1" + "0" * 400 + ".5", 1),
                                   encoding="utf-8")
    done = kpi(repo, "import", "page.txt", "--force", "--dry-run")
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    assert "is not a figure; left out" in done.stderr and "characters)" in done.stderr
