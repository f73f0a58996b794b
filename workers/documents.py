"""Write the license and the reasoned refusal as PDF documents a person can file."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from engine.worker import document_font, printable


def write_pdf(path: Path, title: str, lines: list[tuple[str, str]]) -> Path:
    """Write a one-page document with `title` and (label, value) lines; return its path."""
    pdf = FPDF()
    pdf.add_page()
    font = document_font(pdf)
    pdf.set_font(font, size=15)
    pdf.multi_cell(0, 9, printable(title, font), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(font, size=10)
    for label, value in lines:
        pdf.multi_cell(0, 6, printable(f"{label}: {value}", font), new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
