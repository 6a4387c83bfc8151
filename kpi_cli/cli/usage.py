"""kpi's own words for the command line's usage errors and for typer's built-in help texts.

typer (0.29) carries its own copy of click, whose messages are English f-strings ("Missing
argument 'code'.") and whose converters word a bad value as pydantic does ("Input should be less
than or equal to 4", "Value error, 'foo' is not one of …"). People see kpi's words instead, in
their language (`--lang th`): :func:`install`, called once by the app (kpi_cli/cli/root.py),
gives the usage errors' `format_message`, the usage line's prefix and the help texts of `-h` and
the completion options kpi's translations. Nothing else of typer or click is changed; an error
kpi does not know keeps click's message, without pydantic's "Value error, " prefix.
"""

from __future__ import annotations

import re

from kpi_cli.core.i18n import N_, _

# typer's own help texts, as typer writes them: translated where they are shown
HELP_TEXTS = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
)

# what the converters say of a bad value -> kpi's words (pydantic's wording never reaches people)
_PROBLEMS = (
    (re.compile(r"^Input should be less than or equal to (?P<limit>\S+?)\.?$"), N_("the largest allowed is {limit}")),
    (re.compile(r"^Input should be greater than or equal to (?P<limit>\S+?)\.?$"),
     N_("the smallest allowed is {limit}")),
    (re.compile(r"^Input should be less than (?P<limit>\S+?)\.?$"), N_("it must be less than {limit}")),
    (re.compile(r"^Input should be greater than (?P<limit>\S+?)\.?$"), N_("it must be greater than {limit}")),
    (re.compile(r"^Input should be a valid integer"), N_("write a whole number, e.g. 4")),
    (re.compile(r"^Input should be a valid (?:number|decimal)"), N_("write a number")),
    (re.compile(r"^Input should be a valid boolean"), N_("write yes or no (true or false)")),
    (re.compile(r"^'(?P<value>.*)' is not one of (?P<choices>.*?)\.?$", re.S), N_("'{value}' is not one of {choices}")),
    (re.compile(r"^(?P<value>.*) is not in the range (?P<range>.*?)\.?$"), N_("{value} is not in the range {range}")),
)
_OPTION_USAGE = (
    (re.compile(r"^Option '(?P<name>[^']*)' requires an argument\.?$"), N_("option {name} needs a value after it")),
    (re.compile(r"^Option '(?P<name>[^']*)' requires (?P<n>\d+) arguments\.?$"),
     N_("option {name} needs {n} values after it")),
    (re.compile(r"^Option '(?P<name>[^']*)' does not take a value\.?$"), N_("option {name} takes no value")),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$"),
     N_("unexpected extra argument(s): {args}")),
)
_SUGGESTION = re.compile(r"^(?P<message>.*?)\.? Did you mean (?P<names>.*)\?$", re.S)


def problem(message: str) -> str:
    """What a converter said of a bad value, in kpi's words (its own text, without pydantic's
    'Value error, ' prefix, when kpi does not know it)."""
    text = re.sub(r"^Value error, ", "", str(message).strip())
    for pattern, words in _PROBLEMS:
        m = pattern.match(text)
        if m:
            return _(words).format(**m.groupdict())
    return text


def _hint(e) -> str | None:
    hint = e.param_hint if e.param_hint is not None else (e.param.get_error_hint() if e.param is not None else None)
    if hint is None:
        return None
    return " / ".join(repr(h) for h in hint) if isinstance(hint, (list, tuple)) else str(hint)


def _bad_parameter(e) -> str:
    hint = _hint(e)
    if hint is None:
        return _("invalid value: {problem}").format(problem=problem(e.message))
    return _("invalid value for {option}: {problem}").format(option=hint, problem=problem(e.message))


def _missing(e) -> str:
    hint = _hint(e) or ""
    kind = e.param_type or (e.param.param_type_name if e.param is not None else "parameter")
    words = {"argument": N_("missing argument {name}"), "option": N_("missing option {name}")}
    return _(words.get(kind, N_("missing {name}"))).format(name=hint).strip()


def _no_such_option(e) -> str:
    text = _("no such option: {name}").format(name=e.option_name)
    if e.possibilities:
        text += " " + _("(did you mean {options}?)").format(options=", ".join(sorted(e.possibilities)))
    return text


def _usage(e) -> str:
    for pattern, words in _OPTION_USAGE:
        m = pattern.match(e.message)
        if m:
            return _(words).format(**m.groupdict())
    m = _SUGGESTION.match(e.message)  # typer's "No such command 'scor'. Did you mean 'score'?"
    if m:
        return _("{message} (did you mean {options}?)").format(message=m["message"], options=m["names"])
    return e.message  # typer's own ('Missing command.', 'No such command …') come translated


def install() -> None:
    """Give typer's usage errors and help texts kpi's words, in the current language."""
    from typer import completion
    from typer._click import core, exceptions, formatting

    exceptions.UsageError.format_message = _usage
    exceptions.BadParameter.format_message = _bad_parameter
    exceptions.MissingParameter.format_message = _missing
    exceptions.NoSuchOption.format_message = _no_such_option
    exceptions.BadOptionUsage.format_message = _usage
    exceptions.BadArgumentUsage.format_message = _usage

    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "kpi", False):
        def usage_line(self, prog, args="", prefix=None):
            return write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)
        usage_line.kpi = True
        formatting.HelpFormatter.write_usage = usage_line

    get_help_option = core.Command.get_help_option
    if not getattr(get_help_option, "kpi", False):
        def help_option(self, ctx):
            option = get_help_option(self, ctx)
            if option is not None and option.help in HELP_TEXTS:
                option.help = _(option.help)
            return option
        help_option.kpi = True
        core.Command.get_help_option = help_option

    for function in (completion._install_completion_placeholder_function,
                     completion._install_completion_no_auto_placeholder_function):
        for info in function.__defaults__ or ():
            if getattr(info, "help", None) in HELP_TEXTS:
                info.help = _(info.help)
