"""`kpi init`: a repository of indicators that works as it is.

What it holds (:func:`plan`): indicators/ with the catalogues (starter copies of kpi's own, shipped
in kpi_cli/data/init/), the JSON Schema at schema/ (where every `$schema` line of the repository
points: kpi new and kpi import write theirs there too), a README for its maintainers, the pre-commit
hook, the GitHub Actions workflow (kpi_cli/data/init/workflow.yml, which installs kpi as a tool at
the version kpi.toml pins), .gitignore and kpi.toml. Nothing in it names a path of kpi's own source.

Nothing here prints or exits; an existing repository is refused with :class:`RepositoryExists`
unless `force`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kpi_cli import __version__
from kpi_cli.core.i18n import _
from kpi_cli.core.json_schema import DATA, SCHEMAS, schema_text
from kpi_cli.core.problems import KpiError
from kpi_cli.io.atomic import write_new
from kpi_cli.io.paths import CATALOGUE_NAMES
from kpi_cli.io.settings import FILE_NAME as SETTINGS, render_settings
from kpi_cli.io.yamlemit import SCHEMA_PREFIX

STARTER = DATA / "init"  # the files kpi init copies, shipped in the wheel
WORKFLOW = ".github/workflows/indicators.yml"
PRE_COMMIT = ".pre-commit-config.yaml"
SCHEMA_FOLDER = "schema"
INDEX = "index"  # --source: kpi from the package index
PACKAGE = "kpi-cli"


class RepositoryExists(KpiError):
    exit_code = 1

    def __init__(self, existing: list[str]):
        self.existing = existing
        self.fix = _("run it in an empty folder, or add --force to replace these files (the rest is kept)")
        super().__init__(_("not written: these files exist already: {files}").format(files=", ".join(existing)))


class BadSource(KpiError):
    exit_code = 2

    def __init__(self, source: str):
        self.fix = _("write `index` (kpi-cli from the package index, pinned to {version}) or a git URL with a "
                     "tag, e.g. git+https://github.com/ORG/kpi@v{version}").format(version=__version__)
        super().__init__(_("--source {source} is neither `index` nor a git URL").format(source=source))


@dataclass(frozen=True)
class Source:
    """Where kpi comes from: the package index, or a git repository at a tag."""

    install: str  # what pip installs: kpi-cli[pdf]==0.4.0, or git+https://…@v0.4.0
    repo: str | None = None  # the git repository (pre-commit's `repo:`), or None for the index
    rev: str | None = None  # its tag (pre-commit's `rev:`)


def source(text: str = INDEX, version: str = __version__) -> Source:
    """The Source that `kpi init --source TEXT` means: `index`, or the URL of a git repository of
    kpi (https://, ssh:// or file://, with or without git+) and its tag, `@v<version>` when none."""
    if text == INDEX:
        return Source(f"{PACKAGE}[pdf]=={version}")
    url = text.strip().removeprefix("git+")
    if not re.fullmatch(r"(?:https|ssh|file)://[^\s\"']+", url):
        raise BadSource(text)
    head, at, tail = url.rpartition("@")
    url, ref = (head, tail) if at and tail and "/" not in tail else (url, f"v{version}")
    return Source(f"{PACKAGE}[pdf] @ git+{url}@{ref}", repo=url, rev=ref)


def pre_commit_config(src: Source, version: str = __version__) -> str:
    """.pre-commit-config.yaml: kpi's `kpi-validate` hook at the pinned version. From a git
    repository, pre-commit installs kpi at the tag; from the package index, a local hook whose
    environment pre-commit makes with the pinned kpi-cli."""
    head = ("# The check before every commit: `pre-commit install` once, and each commit that touches\n"
            "# indicators/ runs `kpi validate` on its files (a catalogue brings in every indicator).\n"
            "# The kpi version is pinned here as in kpi.toml: upgrade both together.\n"
            "repos:\n")
    if src.repo is not None:
        return head + (f"  - repo: {src.repo}\n"
                       f"    rev: {src.rev}\n"
                       "    hooks:\n"
                       "      - id: kpi-validate\n")
    return head + ("  - repo: local\n"
                   "    hooks:\n"
                   "      - id: kpi-validate\n"
                   "        name: kpi validate (ตัวชี้วัด)\n"
                   "        entry: kpi validate\n"
                   "        language: python\n"
                   f"        additional_dependencies: [\"{PACKAGE}=={version}\"]\n"
                   "        files: ^indicators/.*\\.ya?ml$\n"
                   "        types: [yaml]\n"
                   "        pass_filenames: true\n"
                   "        require_serial: true\n")


GITIGNORE = """\
# reports rendered here (kpi render -o …), Python's leftovers, editors' folders
/site/
/out/
__pycache__/
.venv/
.vscode/
.idea/
"""


def _starter(name: str) -> str:
    return (STARTER / name).read_text(encoding="utf-8")


def _catalogue(name: str) -> str:
    """A starter catalogue, its `$schema` line pointing at schema/ (it points at kpi's source in
    kpi's own copy)."""
    first, _nl, rest = _starter(name).partition("\n")
    kind = name.removesuffix(".yaml")
    line = f"{SCHEMA_PREFIX}../{SCHEMA_FOLDER}/{kind}.schema.json" if first.startswith(SCHEMA_PREFIX) else first
    return line + "\n" + rest


def plan(src: Source, version: str = __version__) -> dict[str, str]:
    """Every file of a new repository of indicators: its path (relative, with /) and its text."""
    readme = _starter("README.md").replace("@version@", version).replace("@install@", src.install)
    files = {"README.md": readme,
             SETTINGS: render_settings(version, src.install),
             PRE_COMMIT: pre_commit_config(src, version),
             WORKFLOW: _starter("workflow.yml"),
             ".gitignore": GITIGNORE}
    files.update({f"indicators/{name}": _catalogue(name) for name in CATALOGUE_NAMES})
    files.update({f"{SCHEMA_FOLDER}/{filename}": schema_text(kind) for kind, (filename, _cls) in SCHEMAS.items()})
    return files


@dataclass
class Initialised:
    folder: Path
    written: list[str]  # the files written, relative to the folder
    replaced: list[str]  # those of them that existed and were replaced (--force)


def init(folder: Path, src: Source, *, force: bool = False) -> Initialised:
    """Write a new repository of indicators into `folder` (made as needed). Refuses, writing
    nothing, when any of its files exists, unless `force` (then those are replaced, and nothing
    else in the folder is touched)."""
    files = plan(src)
    existing = [rel for rel in files if (folder / rel).exists() or (folder / rel).is_symlink()]
    if existing and not force:
        raise RepositoryExists(existing)
    for rel, text in files.items():
        write_new(folder / rel, text.encode("utf-8"), rel, replace=force)
    return Initialised(folder, list(files), existing)

