"""`kpi init`: a repository of indicators that works as it is, away from kpi's source: new files
validate, every `$schema` line resolves, its workflow names nothing of kpi's source and installs
the kpi that kpi.toml pins, existing files are never replaced unasked, and `kpi validate` says when
kpi.toml pins another kpi."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from kpi_cli import __version__
from kpi_cli.scoring.registry import KINDS
from kpi_cli.write.repository import STARTER, plan, source
from kpi_process import ROOT, git, kpi

PAGES = ROOT / "tests" / "fixtures" / "pages"
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")
# what only kpi's own source has: a repository of indicators never names these
KPI_SOURCE = ("kpi_cli", ".ci/", "pyproject.toml", "pip install .", "tests/", "tools/", "templates/")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A repository made by `kpi init data`, with `git init` and one new indicator of each kind."""
    top = tmp_path_factory.mktemp("init")
    made = kpi("init", "data", cwd=top)
    assert made.returncode == 0, made.stderr
    repo = top / "data"
    assert git("init", "-q", cwd=repo).returncode == 0
    for i, kind in enumerate(KINDS):
        done = kpi("new", f"5001-040{i}", "--kind", kind, cwd=repo)
        assert done.returncode == 0, done.stderr
    return repo


def test_init_then_new_then_validate(tmp_path):
    """The issue's walk: kpi init data && cd data && git init && kpi new 5001-0400 --kind percent && kpi validate"""
    made = kpi("init", "data", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "cd data && git init && kpi new 5001-0400 --kind percent && kpi validate" in made.stdout
    repo = tmp_path / "data"
    assert git("init", "-q", cwd=repo).returncode == 0
    new = kpi("new", "5001-0400", "--kind", "percent", cwd=repo)
    assert new.returncode == 0, new.stderr
    checked = kpi("validate", cwd=repo)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no problems" in checked.stdout and checked.stderr == ""


def test_it_holds_what_a_repository_of_indicators_needs(data):
    for rel in ("indicators/agencies.yaml", "indicators/strategies.yaml", "schema/indicator.schema.json",
                "schema/agencies.schema.json", "schema/strategies.schema.json", "README.md", "kpi.toml",
                ".pre-commit-config.yaml", ".github/workflows/indicators.yml", ".gitignore"):
        assert (data / rel).is_file(), rel
    settings = tomllib.loads((data / "kpi.toml").read_text("utf-8"))["kpi"]
    assert settings == {"version": __version__, "install": f"kpi-cli[pdf]=={__version__}"}
    readme = (data / "README.md").read_text("utf-8")
    for command in ("kpi validate", "kpi new", "kpi status", "kpi score", "kpi render", "kpi diff", "pre-commit install"):
        assert command in readme
    assert re.search(r"[\u0E00-\u0E7F]", readme) and "@" + "version@" not in readme and __version__ in readme
    hook = yaml.safe_load((data / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["hooks"][0]
    assert hook["id"] == "kpi-validate" and hook["additional_dependencies"] == [f"kpi-cli=={__version__}"]


def test_every_schema_line_resolves_to_the_repositorys_schema(data):
    imported = kpi("import", str(PAGES / "district-percent.txt"), cwd=data)
    assert imported.returncode == 0, imported.stderr
    files = sorted(data.joinpath("indicators").rglob("*.yaml"))
    assert len(files) == 2 + len(KINDS) + 1
    for path in files:
        m = SCHEMA_LINE.match(path.read_text("utf-8").splitlines()[0])
        assert m, f"{path} has no $schema line"
        target = (path.parent / m.group(1)).resolve()
        assert target.is_file() and target.parent == (data / "schema").resolve(), (path, m.group(1))
    checked = kpi("validate", cwd=data)
    assert checked.returncode == 0, checked.stdout


def test_new_points_at_kpis_own_schema_in_kpis_source_and_at_nothing_elsewhere(tmp_path):
    # kpi's own repository: kpi_cli/data beside indicators/
    own = kpi("new", "0406-0901", "--kind", "percent", "--year", "2565", "--dry-run", cwd=ROOT)
    assert own.stdout.startswith("# yaml-language-server: $schema=../../kpi_cli/data/indicator.schema.json\n")
    # a folder with catalogues and no schema: no line that points at nothing
    (tmp_path / "indicators").mkdir()
    for name in ("agencies.yaml", "strategies.yaml"):
        shutil.copy(ROOT / "indicators" / name, tmp_path / "indicators" / name)
    bare = kpi("new", "0406-0901", "--kind", "percent", "--year", "2565", "--dry-run", cwd=tmp_path)
    assert bare.returncode == 0 and "$schema" not in bare.stdout and bare.stdout.startswith("# ตัวชี้วัด 0406-0901")


def test_the_starter_catalogues_are_kpis_own():
    """kpi_cli/data/init holds copies of indicators/agencies.yaml and strategies.yaml: keep them identical
    (cp indicators/agencies.yaml indicators/strategies.yaml kpi_cli/data/init/)."""
    for name in ("agencies.yaml", "strategies.yaml"):
        assert (STARTER / name).read_bytes() == (ROOT / "indicators" / name).read_bytes(), name


def test_the_data_workflow_names_no_path_of_kpis_source_and_installs_the_pinned_kpi():
    files = plan(source())
    for rel, text in files.items():
        if rel.startswith("schema/"):
            continue
        for needle in KPI_SOURCE:
            assert needle not in text, f"{rel} names {needle!r}"
    workflow = yaml.safe_load(files[".github/workflows/indicators.yml"])
    steps = workflow["jobs"]["check"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert 'tomllib.load(f)["kpi"]' in runs and 'pip install --quiet "$KPI_INSTALL"' in runs
    assert 'kpi validate --format github --against "$BASE"' in runs
    assert 'kpi diff "$BASE" --format md >> "$GITHUB_STEP_SUMMARY"' in runs
    cache = next(step["with"] for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert "hashFiles('indicators/**')" in cache["key"] and "steps.kpi.outputs.version" in cache["key"]
    assert (STARTER / "workflow.yml").read_text("utf-8") == files[".github/workflows/indicators.yml"]


def test_an_existing_repository_is_refused_unless_forced(tmp_path):
    assert kpi("init", cwd=tmp_path).returncode == 0
    readme = tmp_path / "README.md"
    readme.write_text("our own README\n", encoding="utf-8")
    (tmp_path / "indicators" / "2568").mkdir()
    again = kpi("init", cwd=tmp_path)
    assert again.returncode == 1 and again.stdout == ""
    for rel in ("README.md", "kpi.toml", "indicators/agencies.yaml", ".github/workflows/indicators.yml"):
        assert rel in again.stderr
    assert "--force" in again.stderr and readme.read_text("utf-8") == "our own README\n"
    forced = kpi("init", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "replaced README.md" in forced.stdout
    assert readme.read_text("utf-8") != "our own README\n" and (tmp_path / "indicators" / "2568").is_dir()


def test_source_from_git_pins_a_tag(tmp_path):
    made = kpi("init", "--source", "https://github.com/bma/kpi", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    settings = tomllib.loads((tmp_path / "kpi.toml").read_text("utf-8"))["kpi"]
    assert settings["install"] == f"kpi-cli[pdf] @ git+https://github.com/bma/kpi@v{__version__}"
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text("utf-8"))
    assert config["repos"] == [{"repo": "https://github.com/bma/kpi", "rev": f"v{__version__}",
                                "hooks": [{"id": "kpi-validate"}]}]
    assert source("git+https://github.com/bma/kpi@v9.9.9").rev == "v9.9.9"
    bad = kpi("init", "elsewhere", "--source", "kpi-cli", cwd=tmp_path)
    assert bad.returncode == 2 and "--source kpi-cli" in bad.stderr and not (tmp_path / "elsewhere").exists()


def test_validate_warns_when_kpi_toml_pins_another_kpi(tmp_path):
    assert kpi("init", cwd=tmp_path).returncode == 0
    settings = tmp_path / "kpi.toml"
    same = kpi("validate", "--format", "json", cwd=tmp_path)
    settings.write_text(settings.read_text("utf-8").replace(f'version = "{__version__}"', 'version = "9.9.9"'),
                        encoding="utf-8")
    other = kpi("validate", "--format", "json", cwd=tmp_path / "indicators")
    assert other.returncode == same.returncode == 0
    assert other.stdout == same.stdout  # a warning on stderr, not a problem
    assert f"pins kpi 9.9.9, but this is kpi {__version__}" in other.stderr
    settings.write_text("[kpi\n", encoding="utf-8")
    broken = kpi("validate", cwd=tmp_path)
    assert broken.returncode == 0 and "kpi.toml cannot be read" in broken.stderr
