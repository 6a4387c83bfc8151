"""Messages in the user's language: English by default, Thai on request.

Standard gettext: the messages are English msgids in the code, marked with :func:`_`
(``_("quarter {quarter} appears twice").format(quarter=2)``); their Thai translations live in
``kpi_cli/locale/th/LC_MESSAGES/kpi.po`` and are compiled into ``kpi.mo`` beside it (docs/thai.md).

The language is, in order: the one given to :func:`set_language` (the CLI's ``--lang``), the
``KPI_LANG`` variable, the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English. Each message
is translated when it is made, so the CLI decides the language before the command modules (whose
help texts are made when they are imported) load.

Texts kept in module-level tables are marked with :func:`N_` and translated where they are used.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import os
from pathlib import Path

from kpi_cli.core.thai_dates import thai_date

DOMAIN = "kpi"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
LANGUAGES = ("en", "th")
DEFAULT = "en"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None  # set_language(); None: from the environment
_loaded: dict[str, gettext.NullTranslations] = {}


def N_(message: str) -> str:
    """Mark a text for the catalog without translating it now (tables built at import time)."""
    return message


def _known(value: str) -> str | None:
    """'th', 'th_TH.UTF-8', 'TH' -> 'th'; 'en_US' -> 'en'; anything else -> None."""
    head = value.strip().lower()[:2]
    return head if head in LANGUAGES else None


def detect_language(environ=None) -> str:
    """The language the environment asks for: KPI_LANG, then the locale, else English."""
    env = os.environ if environ is None else environ
    asked = env.get("KPI_LANG", "").strip()
    if asked:
        return _known(asked) or DEFAULT
    for name in LOCALE_VARS:
        value = env.get(name, "").strip()
        if value:  # the first one set decides, as for the C library
            return "th" if value.lower().startswith("th") else DEFAULT
    return DEFAULT


def language_from_argv(argv: list[str]) -> str | None:
    """The value of the root option `--lang` (`--lang th`, `--lang=th`) in a command line, read
    before the command modules are imported; None when absent or not a known language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1].lower() if argv[i + 1].lower() in LANGUAGES else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1].lower()
            return value if value in LANGUAGES else None
        if not arg.startswith("-"):
            return None  # the command: options after it are the command's own
    return None


def use_command_line(argv: list[str]) -> None:
    """Decide the language of a `kpi` run before its help texts are built: `--lang` if given,
    then the environment. Typer's own words ('Options', 'Missing command.') come from gettext's
    global domain: in Thai, that domain is pointed at kpi's catalog."""
    lang = language_from_argv(argv)
    if lang is not None:
        set_language(lang)
    if language() != DEFAULT:
        gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
        gettext.textdomain(DOMAIN)
        os.environ["LANGUAGE"] = language()  # the global domain reads the language from the environment


# Typer's words, translated through gettext's global domain (see use_command_line)
TYPER_MESSAGES = (
    N_("Arguments"), N_("Options"), N_("Commands"), N_("Error"), N_("Aborted."), N_("Aborted!"),
    N_("[default: {}]"), N_("[required]"), N_("(deprecated) "), N_("default: {default}"), N_("required"),
    N_("Missing command."), N_("No such command {name!r}."),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
)


def set_language(lang: str | None) -> None:
    """Use `lang` ('en' or 'th') from now on; None goes back to the environment's choice."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    _chosen = lang


def language() -> str:
    return _chosen or detect_language()


def translations(lang: str | None = None) -> gettext.NullTranslations:
    """The catalog of `lang` (default: the current language), loaded once."""
    lang = lang or language()
    if lang not in _loaded:
        if lang == DEFAULT:
            _loaded[lang] = gettext.NullTranslations()
        else:
            _loaded[lang] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    return _loaded[lang]


def shown_date(day) -> str:
    """A date as people read it in the current language: ISO (2021-04-15) in English, Buddhist Era
    with the Thai month (15 เม.ย. 2564) in Thai. Where the user must type a date (`--date …`),
    messages are given `day.isoformat()` instead, and say ค.ศ."""
    if language() == "th":
        return thai_date(day, abbr=True)
    return day.isoformat()


def _shown(value):
    return shown_date(value) if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime) else value


class Message(str):
    """A translated message whose `.format()` shows the dates it is given as people read them in the
    current language (:func:`shown_date`): one seam for every message that names a date."""

    __slots__ = ()

    def format(self, *args, **kwargs) -> str:
        return str.format(self, *map(_shown, args), **{k: _shown(v) for k, v in kwargs.items()})


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    if not message:
        return message  # gettext("") is the catalog's header
    lang = language()  # once: it reads the environment
    text = translations(lang).gettext(message)
    return Message(text) if lang != DEFAULT else text


def ngettext(singular: str, plural: str, n: int) -> str:
    lang = language()
    text = translations(lang).ngettext(singular, plural, n)
    return Message(text) if lang != DEFAULT else text
