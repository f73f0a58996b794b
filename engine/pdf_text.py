"""Text in PDF documents: a Unicode font that prints Kazakh and Russian, or a loud failure.

Documents carry applicants' names in Kazakh and Russian (ә ғ қ ң ө ұ ү һ і), so they
are written in DejaVu Sans, which the project's setup installs (`make system-deps`,
Debian's `fonts-dejavu-core`). There is no fallback: without the font no document is
written (`FontMissing`), and a character the font has no glyph for stops the document
(`GlyphMissing`) instead of printing as `?` or an empty box. The glyphs are read from
the font file's own character map. One face is used (headings are set larger, not bold):
each face a document registers is parsed again, and that parse is most of a document's cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from engine.errors import LicflowError

FONT_DIRECTORY = Path("/usr/share/fonts/truetype/dejavu")
FONT_PACKAGE = "fonts-dejavu-core"  # Debian's package of DejaVu Sans
FAMILY = "DejaVu"
LAYOUT_CHARACTERS = frozenset("\n\r\t")  # laid out by the page, never drawn


class FontMissing(LicflowError):
    """The font documents are written in is not installed."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the document font {path} is missing: install it with "
            f"'apt-get install {FONT_PACKAGE}' (or 'make system-deps' as root); "
            "documents are never written without it"
        )
        self.path = path


class GlyphMissing(LicflowError):
    """A text holds a character the document font cannot print."""

    def __init__(self, character: str, text: str, font: Path) -> None:
        super().__init__(
            f"the document font {font.name} has no glyph for {character!r} "
            f"(U+{ord(character):04X}) in {text[:80]!r}; the document is not written"
        )
        self.character = character


@dataclass(frozen=True)
class DocumentFont:
    """The TrueType font a document is written in."""

    path: Path = FONT_DIRECTORY / "DejaVuSans.ttf"

    def install(self, pdf: FPDF) -> str:
        """Register the font with `pdf`; return the family name to `set_font` with."""
        if not self.path.is_file():
            raise FontMissing(self.path)
        pdf.add_font(FAMILY, fname=str(self.path))
        return FAMILY

    def check(self, text: str) -> str:
        """Return `text` if the font prints every character of it; else raise `GlyphMissing`."""
        glyphs = _code_points(self.path)
        for character in text:
            if character not in LAYOUT_CHARACTERS and ord(character) not in glyphs:
                raise GlyphMissing(character, text, self.path)
        return text


@lru_cache(maxsize=8)
def _code_points(path: Path) -> frozenset[int]:
    if not path.is_file():
        raise FontMissing(path)
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


class PdfText:
    """A document being written: each line checked against the font, then laid out."""

    def __init__(self, font: DocumentFont | None = None) -> None:
        self.font = font or DocumentFont()
        self.pdf = FPDF()
        self.pdf.set_auto_page_break(True, margin=15)
        self.family = self.font.install(self.pdf)
        self.pdf.add_page()

    def line(self, text: str, size: float = 10, height: float = 6) -> None:
        """Write `text` as one paragraph (wrapped to the page's width)."""
        self.pdf.set_font(self.family, size=size)
        self.pdf.multi_cell(0, height, self.font.check(text), new_x="LMARGIN", new_y="NEXT")

    def space(self, height: float = 4) -> None:
        """Leave `height` millimetres empty."""
        self.pdf.ln(height)

    def save(self, path: Path) -> Path:
        """Write the document to `path` (its folder made if needed); return the path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.pdf.output(str(path))
        return path
