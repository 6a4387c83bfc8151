"""`kpi init`: make a repository of indicators of one's own (kpi_cli/write/repository.py)."""

from pathlib import Path

import typer

from kpi_cli.cli.common import errors_as_messages, examples
from kpi_cli.cli.root import app
from kpi_cli.core.i18n import _


@app.command(
    "init",
    help=_("Make a repository of indicators that works as it is: indicators/ with the catalogues "
           "(agencies.yaml, strategies.yaml), the JSON Schema for editors (schema/), a README, the pre-commit "
           "hook, the GitHub Actions workflow of pull requests, .gitignore and kpi.toml, which pins this "
           "version of kpi.\n\n"
           "Existing files are never replaced without --force; the command lists them."),
    epilog=examples(
        ("kpi init data", _("a new folder data/")),
        ("kpi init", _("the current folder")),
        ("kpi init data --source https://github.com/ORG/kpi", _("kpi from a git repository, at its tag")),
        note=_("Then: cd data && git init && kpi new 5001-0400 --kind percent && kpi validate "
               "(docs/pull-requests.md walks through the first pull request).\n\n"
               "Exit codes: 0 written, 1 refused (files exist), 2 usage errors.")),
)
def init(
    folder: Path = typer.Argument(Path("."), show_default=False, file_okay=False,
                                  help=_("The folder of the new repository (made if missing). Default: the "
                                         "current folder.")),
    source: str = typer.Option("index", "--source", show_default=True,
                               help=_("Where kpi is installed from, pinned to this version: `index` "
                                      "(kpi-cli from the package index) or a git URL with a tag "
                                      "(https://…/kpi@v1.2.3; without a tag, this version's). kpi.toml, the "
                                      "workflow and the pre-commit hook use it.")),
    force: bool = typer.Option(False, "--force", help=_("Replace the files that exist already.")),
) -> None:
    from kpi_cli.io.paths import display_path
    from kpi_cli.write.repository import init as make, source as parse_source

    with errors_as_messages():
        done = make(folder, parse_source(source), force=force)
    shown = display_path(folder)
    for rel in done.written:
        said = _("replaced {path}") if rel in done.replaced else _("wrote {path}")
        typer.echo(said.format(path=display_path(folder / rel)))
    steps = [f"cd {shown}"] if shown != "." else []
    steps += ["git init", "kpi new 5001-0400 --kind percent", "kpi validate"]
    typer.echo(_("a repository of indicators is ready in {folder}; next: {steps}").format(
        folder=shown, steps=" && ".join(steps)))
