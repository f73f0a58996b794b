"""Every text licflow writes is in the Kazakh, Russian and English catalogs, and nothing else is."""

from __future__ import annotations

import re

import pytest

from engine.i18n import LANGUAGES
from licflow import translations as catalogs

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.fixture(scope="module")
def marked():
    return catalogs.extracted()


def _ids(catalog):
    return {message.id for message in catalog if message.id}


def _texts(message):
    return message.string if isinstance(message.string, tuple | list) else (message.string,)


def test_the_code_marks_texts_for_translation(marked):
    assert len(_ids(marked)) > 50


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_code_is_translated_in_each_catalog(marked, language):
    catalog = catalogs.current(language)
    untranslated = sorted(
        str(message.id)
        for message in (catalog.get(*_key(entry)) for entry in marked if entry.id)
        if message is None or message.fuzzy or not all(_texts(message))
    )
    assert not untranslated, f"{language}: run `make catalogs` and translate: {untranslated[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_keeps_a_text_the_code_no_longer_writes(marked, language):
    stale = _ids(catalogs.current(language)) - _ids(marked)
    assert not stale, f"{language}: run `make catalogs` to drop {sorted(map(str, stale))[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_translation_keeps_the_placeholders_of_its_text(language):
    wrong = []
    for message in catalogs.current(language):
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple | list) else message.id
        for text in _texts(message):
            if text and set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source)):
                wrong.append(source)
    assert not wrong, f"{language}: placeholders differ in {wrong[:10]}"


def test_the_kazakh_catalog_is_written_in_kazakh_letters():
    text = " ".join(str(s) for m in catalogs.current("kk") if m.id for s in _texts(m))
    assert set("әғқңөұүі") & set(text.lower())


def _key(entry):
    msgid = entry.id[0] if isinstance(entry.id, tuple | list) else entry.id
    return msgid, entry.context
