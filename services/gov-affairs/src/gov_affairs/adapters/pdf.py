"""PDF drawing shared by certificates and activity summaries: an A4 canvas with a CJK font.

Font: Noto Sans SC (SIL Open Font License 1.1, free to embed in documents), the TrueType
file of the PyPI package ``justmytype-intl-cjk``; reportlab embeds the subset of glyphs a
document uses, so the PDF reads the same on any machine. The file is the variable font, whose
default instance reportlab draws is the Thin weight; text is drawn filled *and* stroked with a
line width proportional to its size, which gives a regular (or, wider, a bold) weight without
instancing the 17 MB font. Without the package (it is a declared dependency, so only in a
stripped-down install) the Adobe-GB1 CID font STSong-Light is used: not embedded, read by
any PDF reader with CJK support.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_PACKAGE = "justmytype_intl_cjk"
FONT_FILE = "fonts/ofl/notosanssc/NotoSansSC[wght].ttf"
PAGE_W, PAGE_H = A4


@cache
def cjk_font() -> tuple[str, bool]:
    """Register the CJK font once; returns its name and whether it is embedded."""
    try:
        path = resources.files(FONT_PACKAGE) / FONT_FILE
        with resources.as_file(path) as real:
            pdfmetrics.registerFont(TTFont("NotoSansSC", str(real)))
        return "NotoSansSC", True
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light", False


@dataclass
class Page:
    """A canvas with the few operations our documents need."""

    canvas: Canvas
    font: str
    embedded: bool

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        c = self.canvas
        width = pdfmetrics.stringWidth(s, self.font, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        c.saveState()
        c.setFillColorRGB(*color)
        c.setStrokeColorRGB(*color)
        obj = c.beginText(x, y)
        obj.setFont(self.font, size)
        if self.embedded:  # thicken the Thin master (see the module's docstring)
            c.setLineWidth(size * (0.06 if bold else 0.03))
            obj.setTextRenderMode(2)
        obj.textLine(s)
        c.drawText(obj)
        c.restoreState()

    def wrap(self, s: str, size: float, width: float) -> list[str]:
        """Lines of ``s`` no wider than ``width``: Chinese breaks between any two
        characters, Latin words are kept whole where they fit."""
        lines: list[str] = []
        for paragraph in s.split("\n"):
            line = ""
            for token in _tokens(paragraph):
                trial = line + token
                if line and pdfmetrics.stringWidth(trial, self.font, size) > width:
                    lines.append(line.rstrip())
                    line = token.lstrip()
                else:
                    line = trial
            lines.append(line.rstrip())
        return lines

    def paragraph(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        width: float,
        leading: float | None = None,
        **kw: Any,
    ) -> float:
        """Draw wrapped text from the top line at ``y``; returns the y below it."""
        step = leading or size * 1.6
        for line in self.wrap(s, size, width):
            self.text(x, y, line, size, **kw)
            y -= step
        return y

    def qr(self, x: float, y: float, value: str, size: float) -> None:
        widget = QrCodeWidget(value, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.canvas, x, y)


def _tokens(s: str) -> Iterator[str]:
    """Latin words (with their trailing space) stay together; every CJK character stands alone."""
    word = ""
    for ch in s:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            yield word
            word = ""
        yield ch
    if word:
        yield word


def new_document(
    title: str, author: str, subject: str, keywords: str = ""
) -> tuple[io.BytesIO, Page]:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    if keywords:
        canvas.setKeywords(keywords)
    canvas.setCreator("smart-community gov-affairs")
    font, embedded = cjk_font()
    return buf, Page(canvas, font, embedded)
