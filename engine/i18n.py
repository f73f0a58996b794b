"""The languages licflow speaks: Kazakh (the state language), Russian and English.

What licflow itself writes (pages, messages, e-mails, documents) is English in the code,
marked with `_("...")` or, for texts kept in constants, `N_("...")`, and translated at
the moment it is shown through gettext catalogs read by Babel. The catalogs are `.po`
files, one per language, in the directory the composition root installs
(`install_catalogs`); they are compiled in memory when first asked for, so no compiled
`.mo` file lives in the tree. Without installed catalogs every text stays English.

Dates and times are formatted with Babel's CLDR data for the language, in the engine's
zone, and name the zone (Asia/Almaty for the procedure), because a deadline read
without its zone is read wrong.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from engine import clock

LANGUAGES = ("kk", "ru", "en")  # Kazakh, the state language, first
DEFAULT_LANGUAGE = "kk"
DOMAIN = "messages"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}  # each in its own language

_catalogs: Path | None = None
_loaded: dict[str, NullTranslations] = {}
_lock = threading.Lock()


class UnknownLanguage(ValueError):
    """A language licflow does not speak was asked for."""

    def __init__(self, language: str) -> None:
        super().__init__(f"unknown language {language!r}: licflow speaks {', '.join(LANGUAGES)}")
        self.language = language


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark `message` for the catalogs without translating it now (module constants)."""
    return message


def install_catalogs(directory: Path | None) -> None:
    """Read translations from `directory/<language>/LC_MESSAGES/messages.po` from now on."""
    global _catalogs
    with _lock:
        _catalogs = Path(directory) if directory is not None else None
        _loaded.clear()


def catalog_path(language: str) -> Path | None:
    """Return the `.po` file of `language` in the installed catalogs, if any are installed."""
    if _catalogs is None:
        return None
    return _catalogs / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def checked(language: str | None) -> str:
    """Return `language` if licflow speaks it, the default for none; refuse any other."""
    if not language:
        return DEFAULT_LANGUAGE
    code = language.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise UnknownLanguage(language)
    return code


def translations(language: str | None) -> NullTranslations:
    """Return the gettext translations of `language` (English passes texts through)."""
    code = checked(language)
    with _lock:
        found = _loaded.get(code)
        if found is None:
            found = _compiled(code)
            _loaded[code] = found
        return found


def _compiled(language: str) -> NullTranslations:
    path = catalog_path(language)
    if path is None or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translator(language: str | None) -> Callable[[str], str]:
    """Return `_` for `language`: `_("Tasks")` is "Тапсырмалар" in Kazakh."""
    return translations(language).gettext


def translate(language: str | None, message: str, **values: object) -> str:
    """Translate `message` into `language` and fill its `%(name)s` placeholders."""
    text = translations(language).gettext(message)
    return text % values if values else text


def negotiate(accepted: Iterable[str], default: str = DEFAULT_LANGUAGE) -> str:
    """Pick the first language licflow speaks among `accepted` (best first), else `default`."""
    for language in accepted:
        try:
            return checked(language)
        except UnknownLanguage:
            continue
    return default


def locale(language: str | None) -> Locale:
    """Return Babel's locale for `language`."""
    try:
        return Locale.parse(checked(language))
    except UnknownLocaleError as error:  # pragma: no cover - CLDR has all three
        raise UnknownLanguage(str(language)) from error


def moment_text(moment: datetime | None, language: str | None) -> str:
    """Format `moment` as people of `language` write it, in the engine's zone, zone named."""
    if moment is None:
        return "—"
    local = clock.local(moment)
    shown = format_datetime(local, "d MMMM y, HH:mm", tzinfo=local.tzinfo, locale=locale(language))
    return f"{shown} ({clock.zone().key})"


def day_text(day: date | datetime | None, language: str | None) -> str:
    """Format a calendar day as people of `language` write it (a datetime: its local day)."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = clock.local(day).date()
    return format_date(day, "d MMMM y", locale=locale(language))


class Phrase(str):
    """A text made from a marked message and its values: English as a `str`, translatable later.

    Errors raised where no language is known (a form field that does not fit, a task
    claimed by someone else) carry a Phrase; JSON and logs read the English, and a page
    shows `in_language(g.language, phrase)`.
    """

    message: str
    values: dict[str, object]

    def __new__(cls, message: str, **values: object) -> Phrase:
        phrase = super().__new__(cls, message % values if values else message)
        phrase.message, phrase.values = message, values
        return phrase


def in_language(language: str | None, text: str) -> str:
    """Return `text` in `language`: a Phrase translated with its values, a plain marked text as is."""
    if isinstance(text, Phrase):
        return translate(language, text.message, **text.values)
    return translations(language).gettext(text) if text else text
