"""The translation catalogs (this folder) and their upkeep: every marked text, in each language.

`python -m licflow.translations` (or `make catalogs`) extracts the texts marked with `_`,
`N_`, `gettext` or `ngettext` in the Python modules and `{% trans %}` / `_()` in the
templates, then updates `licflow/translations/<language>/LC_MESSAGES/messages.po`: new
texts are added untranslated, texts no longer in the code are dropped, translations
already made are kept. The suite's catalog check (tests/licflow/test_catalogs.py) fails
on any text left untranslated in Kazakh or Russian and on any stale entry.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from engine.i18n import DOMAIN, LANGUAGES

SOURCE_LANGUAGE = "en"
CATALOGS = Path(__file__).resolve().parent  # <language>/LC_MESSAGES/messages.po
ROOT = CATALOGS.parent.parent
SOURCES = ("engine", "procedure", "web", "workers", "licflow")
METHODS = [
    ("**/tests/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def extracted() -> Catalog:
    """Return a catalog of every text the code marks for translation, with where each stands."""
    template = Catalog(domain=DOMAIN, project="licflow")
    for source in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
            ROOT / source, METHODS, options_map=OPTIONS, strip_comment_tags=True
        ):
            where = [(f"{source}/{filename}", line)]
            template.add(message, None, where, auto_comments=comments, context=context)
    return template


def current(language: str) -> Catalog:
    """Return the catalog of `language` as it stands in the tree (empty when missing)."""
    path = CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="licflow")
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def update() -> dict[str, int]:
    """Bring each language's catalog in step with the code; return how many texts each lacks."""
    template = extracted()
    missing = {}
    for language in LANGUAGES:
        catalog = current(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id  # the code is written in English: (one, many) for plurals
        path = CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            write_po(po, catalog, width=100, sort_output=True, omit_header=False, include_previous=False)
        missing[language] = sum(1 for message in catalog if message.id and not _translated(message))
    return missing


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def main() -> int:
    missing = update()
    for language, count in missing.items():
        print(f"{language}: {count} untranslated" if count else f"{language}: complete")
    return 0
