"""Text in PDF documents: a Unicode font when the machine has one, else Latin-1 that fits."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def document_font(pdf: FPDF) -> str:
    """Register and return the font for `pdf`: DejaVu if present (Kazakh, Russian names), else Helvetica."""
    if UNICODE_FONT.exists():
        pdf.add_font("DejaVu", fname=str(UNICODE_FONT))
        return "DejaVu"
    return "Helvetica"


def printable(text: str, font: str) -> str:
    """Return `text` as the font can print it (Helvetica knows only Latin-1)."""
    if font == "Helvetica":
        return text.encode("latin-1", "replace").decode("latin-1")
    return text
