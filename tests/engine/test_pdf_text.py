"""PDF text prints every Kazakh and Russian letter in DejaVu Sans, or fails loudly: never `?`."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from engine.pdf_text import FONT_PACKAGE, DocumentFont, FontMissing, GlyphMissing, PdfText

KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"


def test_every_kazakh_letter_and_russian_text_comes_back_out_of_the_pdf(tmp_path):
    document = PdfText()
    document.line(f"Қазақ әріптері: {KAZAKH_LETTERS}", size=15)
    document.line("Лицензия № 216KZ26001000001 — разовая лицензия")

    path = document.save(tmp_path / "letters.pdf")

    extracted = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert all(letter in extracted for letter in KAZAKH_LETTERS)
    assert "разовая лицензия" in extracted
    assert "?" not in extracted


def test_without_the_font_no_document_is_written_and_the_error_names_font_and_package(tmp_path):
    missing = tmp_path / "fonts" / "DejaVuSans.ttf"

    with pytest.raises(FontMissing) as raised:
        PdfText(DocumentFont(missing))

    assert str(missing) in str(raised.value)
    assert f"apt-get install {FONT_PACKAGE}" in str(raised.value)
    assert FONT_PACKAGE == "fonts-dejavu-core"


def test_a_character_the_font_cannot_print_stops_the_document_and_is_named(tmp_path):
    document = PdfText()

    with pytest.raises(GlyphMissing) as raised:
        document.line("Licensee: 深圳无线电有限公司")  # DejaVu Sans has no CJK glyphs

    assert raised.value.character == "深"
    assert "U+6DF1" in str(raised.value) and "DejaVuSans.ttf" in str(raised.value)
