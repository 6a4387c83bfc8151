"""`kpi validate`, `kpi rules`, `kpi schema`, `kpi cache`: keep the indicator files correct."""

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from kpi_cli.cli.root import app
from kpi_cli.core.i18n import _, ngettext
from kpi_cli.cli.common import Progress, errors_as_messages, examples, fail, use_color


class Format(str, Enum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


@app.command(
    help=_("Check indicator files: YAML, fields, codes, dates, scores, stages, letters and Thai text.\n\n"
           "Every problem is reported with file:line:column, rule ID, level and the fix, for all files "
           "in one run."),
    epilog=examples(
        ("kpi validate", _("the repository's indicators/ tree")),
        "kpi validate indicators/2564/0406-0772.yaml",
        "kpi validate --format json > problems.json",
        ("kpi validate --strict", _("warnings fail too")),
        ("kpi validate --changed", _("only files changed since the merge-base with main")),
        ("kpi validate --changed origin/main --against origin/main", _("a pull request's checks")),
        note=_("Exit codes: 0 clean, 1 errors (or warnings with --strict), 2 usage errors."))
)
def validate(
    paths: Optional[List[Path]] = typer.Argument(
        None, help=_("Files or folders to check. Default: the indicators/ folder of this repository."),
        show_default=False),
    format: Format = typer.Option(Format.auto, "--format", "-f",
                                  help=_("text for people, json for machines, github for annotations on pull "
                                         "requests; auto picks github inside GitHub Actions.")),
    strict: bool = typer.Option(False, "--strict", help=_("Warnings fail the run too (exit 1).")),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help=_("Worker processes. Default: every core for large trees, one for "
                                              "small.")),
    changed: bool = typer.Option(False, "--changed",
                                 help=_("Check only the files changed since BASE (a git revision given as an "
                                        "argument; default: the merge-base with the main branch), plus the rules "
                                        "across files they touch.")),
    against: Optional[str] = typer.Option(None, "--against", metavar="BASE",
                                          help=_("Also guard the audited past: official figures changed since the "
                                                 "git revision BASE need an amendment record.")),
) -> None:
    from kpi_cli.cli.formats import FORMATTERS, pick_format
    from kpi_cli.check.pipeline import Result, guard, validate as run

    def guard_only(base: str) -> Result:  # nothing changed to check, but something may have been deleted
        return Result(problems=sorted(guard(base)))

    _warn_of_another_version()
    progress = Progress(_("validating"))
    try:
        with errors_as_messages():
            targets, context = list(paths or []), []
            if changed:
                targets, context = _changed_targets(targets)
                if not targets:
                    typer.echo(_("no indicator files changed"), err=True)
                    if against is None:
                        raise typer.Exit(0)
            result = run(targets, progress=progress, jobs=jobs, context=context, against=against) if targets \
                or not changed else guard_only(against)
    finally:
        progress.stop()
    name = pick_format(format.value)
    root = None
    if name == "github":  # GitHub attaches annotations to paths from the repository's top
        from kpi_cli.io.git import repository_root

        root = repository_root(Path.cwd())
    sys.stdout.write(FORMATTERS[name](result.problems, result.files, color=use_color(), root=root))
    if result.files == 0 and not result.problems:
        typer.echo(_("note: no .yaml files were found there; indicator files live in "
                     "indicators/<fiscal year>/<code>.yaml (start one with `kpi new`)"), err=True)
    raise typer.Exit(result.exit_code(strict))


def _warn_of_another_version() -> None:
    """A warning on stderr (the run's result is unchanged) when the repository's kpi.toml pins
    another version of kpi than this one, or cannot be read."""
    from kpi_cli import __version__
    from kpi_cli.io.paths import display_path, find_indicators_dir
    from kpi_cli.io.settings import SettingsUnreadable, read_settings, settings_path

    indicators = find_indicators_dir()
    if indicators is None:
        return
    try:
        settings = read_settings(indicators)
    except SettingsUnreadable as exc:
        typer.echo(_("warning: {path} cannot be read ({reason}); the kpi version it pins is not checked").format(
            path=display_path(settings_path(indicators)), reason=exc), err=True)
        return
    if settings is None or settings.version in (None, __version__):
        return
    typer.echo(_("warning: {path} pins kpi {expected}, but this is kpi {version}").format(
        path=display_path(settings.path), expected=settings.version, version=__version__), err=True)
    install = settings.install or f"kpi-cli=={settings.version}"
    typer.echo(_("  fix: install the pinned kpi (pip install '{install}'), or upgrade the repository to kpi "
                 "{version} (its kpi.toml and pre-commit pin; see kpi's CHANGELOG.md)").format(
        install=install, version=__version__), err=True)


def _changed_targets(args: list[Path]) -> tuple[list[Path], list[Path]]:
    """With --changed, an argument that is not a path but a git revision is the BASE."""
    from kpi_cli.io.git import default_base, is_revision
    from kpi_cli.check.pipeline import changed_since

    cwd = Path.cwd()
    revs = [a for a in args if not a.exists() and is_revision(str(a), cwd)]
    others = [a for a in args if a not in revs]
    unknown = [a for a in others if not a.exists()]
    if unknown:
        raise fail(_("'{name}' is neither a path nor a git revision").format(name=unknown[0]), code=2,
                   fix=_("name a revision that exists (git log --oneline), or a file or folder"))
    if len(revs) > 1:
        raise fail(_("--changed takes one base revision, got {revisions}").format(
            revisions=", ".join(map(str, revs))), code=2)
    base = str(revs[0]) if revs else default_base(cwd)
    targets, context = changed_since(base, cwd)
    if others:  # paths given too: only the changed files among them
        roots = [o.resolve() for o in others]
        targets = [t for t in targets if any(t.resolve().is_relative_to(r) for r in roots)]
    return targets, context


@app.command("rules", help=_("List the validation rules: ID, level and what each checks."),
             epilog=examples("kpi rules", "kpi rules date-be-year"))
def list_rules(
    rule_id: Optional[str] = typer.Argument(None, help=_("Show one rule in full, with its examples.")),
) -> None:
    from kpi_cli.cli.formats import level_name
    from kpi_cli.check.rules import REGISTRY, load_all

    load_all()
    if rule_id:
        r = REGISTRY.get(rule_id)
        if r is None:
            import difflib

            close = difflib.get_close_matches(rule_id, list(REGISTRY), n=3)
            raise fail(_("no rule '{rule}'").format(rule=rule_id),
                       fix=_("did you mean {names}?").format(names=", ".join(close)) if close else _("see `kpi rules`"))
        typer.echo(f"{r.id} ({level_name(r.level)})\n")
        typer.echo("\n\n".join([r.summary, *r.details]))
        return
    width = max(len(k) for k in REGISTRY)
    level_width = max(len(level_name(r.level)) for r in REGISTRY.values())
    for r in sorted(REGISTRY.values(), key=lambda r: r.id):
        typer.echo(f"{r.id:<{width}}  {level_name(r.level):<{level_width}}  {r.summary}")


class SchemaKind(str, Enum):
    indicator = "indicator"
    agencies = "agencies"
    strategies = "strategies"


@app.command("schema", help=_("Print the JSON Schema of the indicator format, for editors and other tools.\n\n"
                              "Shipped files carry `# yaml-language-server: $schema=…` so that VS Code's YAML "
                              "extension offers completion and inline errors."),
             epilog=examples("kpi schema > indicator.schema.json", "kpi schema agencies"))
def schema_cmd(
    kind: SchemaKind = typer.Argument(SchemaKind.indicator,
                                      help=_("Which format: indicator, agencies or strategies.")),
) -> None:
    from kpi_cli.core.json_schema import schema_text

    sys.stdout.write(schema_text(kind.value))


@app.command("cache", help=_("Show the cache of checked files, or clear it.\n\n"
                             "kpi remembers what it found in each file, under a hash of the file's bytes, its "
                             "catalogues and this kpi's version, so that a file that has not changed is not "
                             "parsed and checked again: `kpi validate`, `kpi score` and `kpi render` are then "
                             "several times faster. The cache is outside the repository (KPI_CACHE_DIR, else "
                             "XDG_CACHE_HOME/kpi, else ~/.cache/kpi); entries older than 30 days are dropped and made "
                             "again when needed. "
                             "KPI_NO_CACHE=1 or `kpi --no-cache` turns it off."),
             epilog=examples(("kpi cache", _("where it is, how many entries, how large")),
                             ("kpi cache --clear", _("remove every entry")),
                             ("kpi --no-cache validate", _("check every file again, use no cache"))))
def cache_cmd(
    clear: bool = typer.Option(False, "--clear", help=_("Remove every entry.")),
) -> None:
    from kpi_cli.check import cache

    if clear:
        n = cache.clear()
        typer.echo(ngettext("{n} entry removed from {path}", "{n} entries removed from {path}", n).format(
            n=n, path=cache.directory()))
        return
    entries, models, size = cache.usage()
    why = cache.unusable() if cache.active() else None
    state = _("off (KPI_NO_CACHE or --no-cache)") if not cache.active() else \
        _("on, but not used: {why}").format(why=why) if why else _("on")
    typer.echo(_("cache of checked files: {state}").format(state=state))
    if why:
        typer.echo(_("  fix: point KPI_CACHE_DIR at a folder of your own, or remove what is in the way"))
    typer.echo(_("  location: {path}").format(path=cache.database()))
    typer.echo(_("  entries: {entries} ({models} keeping an indicator or a page for kpi score and kpi render), "
                 "{size:.1f} MB").format(entries=entries, models=models, size=size / 1e6))
