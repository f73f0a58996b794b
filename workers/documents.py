"""Write the license and the reasoned refusal as PDF documents a person can file."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def write_pdf(path: Path, title: str, lines: list[tuple[str, str]]) -> Path:
    """Write a one-page document with `title` and (label, value) lines; return its path."""
    pdf = FPDF()
    pdf.add_page()
    font = _font(pdf)
    pdf.set_font(font, size=15)
    pdf.multi_cell(0, 9, _printable(title, font), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(font, size=10)
    for label, value in lines:
        pdf.multi_cell(0, 6, _printable(f"{label}: {value}", font), new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _font(pdf: FPDF) -> str:
    if UNICODE_FONT.exists():  # names and addresses are often in Kazakh or Russian
        pdf.add_font("DejaVu", fname=str(UNICODE_FONT))
        return "DejaVu"
    return "Helvetica"


def _printable(text: str, font: str) -> str:
    if font == "Helvetica":
        return text.encode("latin-1", "replace").decode("latin-1")
    return text
