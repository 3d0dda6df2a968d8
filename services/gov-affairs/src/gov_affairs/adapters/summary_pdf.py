"""An activity's summary as an A4 PDF: the generated text, the figures, residents' comments
and up to six photos."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader

from gov_affairs.adapters.pdf import PAGE_H, PAGE_W, new_document
from gov_affairs.domain.activities import Summary

MARGIN = 56.0
GREY = (0.35, 0.35, 0.35)
ACCENT = (0.1, 0.35, 0.65)


def render_summary(summary: Summary, community_name: str, photos: list[bytes]) -> bytes:
    buf, page = new_document(
        title=f"{summary.title.zh} {summary.title.en}",
        author=community_name,
        subject=summary.title.en,
    )
    c = page.canvas
    width = PAGE_W - 2 * MARGIN
    y = PAGE_H - MARGIN - 10
    page.text(MARGIN, y, summary.title.zh, 20, bold=True, color=ACCENT)
    y -= 20
    page.text(MARGIN, y, summary.title.en, 11, color=GREY)
    y -= 32
    y = page.paragraph(MARGIN, y, summary.paragraph.zh, 12, width)
    y = page.paragraph(MARGIN, y - 4, summary.paragraph.en, 9.5, width, color=GREY)
    y -= 10
    figures = [
        ("报名 Signed up", str(summary.signed_up)),
        ("实到 Came", str(summary.came)),
        ("到场率 Attendance", f"{summary.attendance_percent}%"),
        ("平均评分 Rating", f"{summary.average_rating} / 5" if summary.average_rating else "—"),
    ]
    col = width / len(figures)
    for i, (label, value) in enumerate(figures):
        x = MARGIN + i * col
        page.text(x, y, value, 18, bold=True, color=ACCENT)
        page.text(x, y - 16, label, 8.5, color=GREY)
    y -= 44
    if summary.comments:
        page.text(MARGIN, y, "居民评价 What residents said", 12, bold=True)
        y -= 20
        for comment in summary.comments:
            y = page.paragraph(MARGIN + 10, y, f"“{comment}”", 10.5, width - 10)
            y -= 4
    y -= 10
    shown = photos[:6]
    if shown:
        cell_w, cell_h = (width - 20) / 3, 130.0
        for i, data in enumerate(shown):
            row, col_i = divmod(i, 3)
            x = MARGIN + col_i * (cell_w + 10)
            top = y - row * (cell_h + 10)
            if top - cell_h < MARGIN:
                break
            image = ImageReader(io.BytesIO(data))
            iw, ih = image.getSize()
            scale = min(cell_w / iw, cell_h / ih)
            c.drawImage(image, x, top - ih * scale, iw * scale, ih * scale)
    c.showPage()
    c.save()
    return buf.getvalue()
