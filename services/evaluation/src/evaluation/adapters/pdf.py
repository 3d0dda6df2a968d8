"""The monthly report as a PDF, drawn with ReportLab (BSD licence).

Chinese text needs a CJK font. When a TrueType CJK font is installed it is embedded
(subset), so the PDF reads the same everywhere: ``EVALUATION_REPORT_FONT`` names one, else
the first of :data:`FONT_CANDIDATES` that exists is used — Debian's ``fonts-wqy-microhei``
(WenQuanYi Micro Hei, Apache-2.0 or GPL-3 with the font exception), ``fonts-wqy-zenhei``
(GPL-2 with the font exception) or ``fonts-droid-fallback`` (Apache-2.0). Without one the
PDF uses ReportLab's built-in Adobe CID font STSong-Light: nothing is embedded, and the
reader supplies the glyphs (Acrobat, Chrome, Firefox and poppler with any CJK font do).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from evaluation.data import load_questionnaire
from evaluation.domain.kpis.definitions import KPIS
from evaluation.domain.report import INDEX_NAMES, KpiRow, MonthlyReport, ServiceRow
from evaluation.domain.text import Text

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
CID_FONT = "STSong-Light"
BUILTIN = "builtin"  # font_path that asks for the built-in CID font whatever is installed
SERIES_COLOURS = (
    colors.HexColor("#2f6fb3"),
    colors.HexColor("#d9822b"),
    colors.HexColor("#3c9a5f"),
)

L = {  # the report's own words
    "title": Text(
        zh="{community} {period} 居民体验评价报告",
        en="{community}: residents' experience report, {period}",
    ),
    "method": Text(
        zh="指数方法版本 {version}，生成于 {at}。", en="Index method {version}, generated {at}."
    ),
    "indices": Text(zh="三感指数", en="The three indices"),
    "index": Text(zh="指数", en="Index"),
    "value": Text(zh="本月", en="This month"),
    "change": Text(zh="较上月", en="Change"),
    "moved": Text(zh="主要变化来源", en="Moved most by"),
    "coverage": Text(zh="数据覆盖", en="Coverage"),
    "trend": Text(zh="近12个月走势", en="Trend over 12 months"),
    "kpis": Text(zh="服务指标", en="Service KPIs"),
    "kpi": Text(zh="指标", en="KPI"),
    "last": Text(zh="上月", en="Last month"),
    "cases": Text(zh="样本数", en="Cases"),
    "best": Text(zh="评价最好的服务", en="Best-rated services"),
    "worst": Text(zh="评价最差的服务", en="Worst-rated services"),
    "service": Text(zh="服务", en="Service"),
    "rating": Text(zh="平均评分", en="Mean rating"),
    "ratings": Text(zh="评价数", en="Ratings"),
    "themes": Text(zh="居民意见（按主题）", en="Residents' comments by theme"),
    "theme": Text(zh="主题", en="Theme"),
    "mentions": Text(zh="条数", en="Comments"),
    "tone": Text(zh="正面/负面", en="Positive/negative"),
    "examples": Text(zh="摘录", en="Examples"),
    "none": Text(zh="本月暂无数据。", en="No data this month."),
    "themes_note": Text(
        zh="主题按关键词归类，正负面按词语粗略判断，仅供阅读参考；摘录已隐去电话、证件号和房号。",
        en="Themes come from keywords and the tone from cue words: a guide for reading, not "
        "a judgement. Phone numbers, ID numbers and room numbers are removed from quotes.",
    ),
    "no_data": Text(zh="无数据", en="no data"),
}


def register_font(path: str | None = None) -> tuple[str, bool]:
    """The font to draw Chinese with and whether it is embedded."""
    chosen = (
        None
        if path == BUILTIN
        else path
        or os.environ.get("EVALUATION_REPORT_FONT")
        or next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)
    )
    if chosen:
        name = "cjk-" + Path(chosen).stem
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, chosen, subfontIndex=0))
        return name, True
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT, False


def render_pdf(report: MonthlyReport, locale: str = "zh-CN", font_path: str | None = None) -> bytes:
    font, _ = register_font(font_path)
    t = _Words(locale)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=22, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    story: list = [
        Paragraph(
            t("title", community=report.community_name, period=report.period.label(locale)), h1
        ),
        Paragraph(
            t(
                "method",
                version=report.method_version,
                at=report.generated_at.strftime("%Y-%m-%d %H:%M"),
            ),
            body,
        ),
        Paragraph(t("indices"), h2),
    ]
    rows = [[t("index"), t("value"), t("change"), t("moved"), t("coverage")]]
    for s in report.indices:
        moved = ""
        if s.top_move is not None:
            moved = (
                f"{_leaf_name(s.top_move.code, s.figure.index, locale)} ({s.top_move.points:+.1f})"
            )
        rows.append(
            [
                INDEX_NAMES[s.figure.index].get(locale),
                _num(s.figure.value, t),
                _signed(s.change),
                moved,
                f"{s.figure.coverage * 100:.0f}%",
            ]
        )
    story += [
        _table(rows, font, [32 * mm, 22 * mm, 20 * mm, 70 * mm, 22 * mm])
        if report.indices
        else Paragraph(t("none"), body)
    ]
    if report.indices:
        story += [Paragraph(t("trend"), h2), _trend_chart(report, font, locale)]
    story += [Paragraph(t("kpis"), h2), _kpi_table(report.kpis, font, t, locale)]
    for key, services in (("best", report.best_services), ("worst", report.worst_services)):
        story += [Paragraph(t(key), h2), _services(services, font, t, locale, body)]
    story += [Paragraph(t("themes"), h2)]
    if report.themes:
        trows = [[t("theme"), t("mentions"), t("tone"), t("examples")]]
        for g in report.themes:
            quotes = "<br/>".join(_escape(e) for e in g.examples)
            trows.append(
                [
                    g.name.get(locale),
                    str(g.count),
                    f"{g.positive}/{g.negative}",
                    Paragraph(quotes, body),
                ]
            )
        story += [
            _table(trows, font, [30 * mm, 16 * mm, 22 * mm, 98 * mm]),
            Spacer(1, 3 * mm),
            Paragraph(t("themes_note"), body),
        ]
    else:
        story.append(Paragraph(t("none"), body))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=t("title", community=report.community_name, period=report.period.label(locale)),
    )
    doc.build(story)
    return out.getvalue()


class _Words:
    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, key: str, **values: object) -> str:
        return L[key].get(self.locale).format(**values)


def _table(rows: list[list], font: str, widths: Sequence[float]) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c4d2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _kpi_table(kpis: list[KpiRow], font: str, t: _Words, locale: str) -> Table:
    rows = [[t("kpi"), t("value"), t("last"), t("cases")]]
    for r in kpis:
        rows.append(
            [
                r.kpi.name.get(locale),
                _fmt(r.kpi.unit, r.value, locale),
                _fmt(r.kpi.unit, r.previous, locale),
                str(r.n),
            ]
        )
    return _table(rows, font, [60 * mm, 36 * mm, 36 * mm, 24 * mm])


def _services(
    services: list[ServiceRow], font: str, t: _Words, locale: str, body: ParagraphStyle
) -> Table | Paragraph:
    if not services:
        return Paragraph(t("none"), body)
    rows = [[t("service"), t("rating"), t("ratings")]]
    rows += [[s.name.get(locale), f"{s.rating_mean:.2f}", str(s.ratings)] for s in services]
    return _table(rows, font, [70 * mm, 40 * mm, 30 * mm])


def _trend_chart(report: MonthlyReport, font: str, locale: str) -> Drawing:
    drawing = Drawing(170 * mm, 62 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 12 * mm, 10 * mm, 120 * mm, 48 * mm
    keys = sorted({p.period_key for s in report.indices for p in s.history})
    data = []
    for s in report.indices:
        points = [(keys.index(p.period_key), p.value) for p in s.history if p.value is not None]
        data.append(points or [(0, 0.0)])
    plot.data = data
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(1, len(keys) - 1)
    plot.xValueAxis.valueSteps = list(range(len(keys)))
    plot.xValueAxis.labelTextFormat = lambda i: keys[int(i)][5:] if 0 <= int(i) < len(keys) else ""
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 138 * mm, 50 * mm, font, 8
    pairs = []
    for i, s in enumerate(report.indices):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        plot.lines[i].strokeColor, plot.lines[i].strokeWidth = colour, 1.6
        plot.lines[i].symbol = makeMarker("FilledCircle", fillColor=colour, size=4)
        pairs.append((colour, INDEX_NAMES[s.figure.index].get(locale)))
    legend.colorNamePairs = pairs
    drawing.add(plot)
    drawing.add(legend)
    return drawing


def _leaf_name(code: str, index: str, locale: str) -> str:
    if code in KPIS:
        return KPIS[code].name.get(locale)
    dim = load_questionnaire(index).dimensions.get(code)
    return dim.name.get(locale) if dim else L["no_data"].get(locale)


def _num(value: float | None, t: _Words) -> str:
    return t("no_data") if value is None else f"{value:.1f}"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _fmt(unit: str, value: float | None, locale: str) -> str:
    zh = locale.lower().startswith("zh")
    if value is None:
        return "—"
    match unit:
        case "seconds":
            minutes = round(value / 60)
            h, m = divmod(minutes, 60)
            if zh:
                return f"{h}小时{m}分钟" if h else f"{m}分钟"
            return f"{h} h {m} min" if h else f"{m} min"
        case "rate":
            return f"{value * 100:.1f}%"
        case "score":
            return f"{value:.2f}"
        case _:
            return f"{value:.0f}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
