"""The monthly report: what it holds, and the PDF a person opens."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_evaluation_hand_calculation import (
    METHOD,
    NOV,
    kpi_inputs,
    november_ledger,
    security_responses,
)

from evaluation.adapters.pdf import BUILTIN, FONT_CANDIDATES, render_pdf
from evaluation.data import load_questionnaire
from evaluation.domain.indices import compute_index
from evaluation.domain.report import build_monthly_report, rank_services
from evaluation.domain.scoring import score_dimensions
from evaluation.domain.themes import summarise
from evaluation_fixtures import COMMUNITY, at


def november_report():
    ledger, events = november_ledger()
    k = kpi_inputs(ledger)
    dims = score_dimensions(load_questionnaire("security").sections, security_responses())
    security = {d: s for (i, d), s in dims.items() if i == "security"}
    figures = {
        code: [
            compute_index(METHOD, code, COMMUNITY, NOV, security if code == "security" else {}, k)
        ]
        for code in ("gain", "security", "happiness")
    }
    # October: the same survey, no KPIs; November's KPIs moved the index
    figures["security"].append(
        compute_index(METHOD, "security", COMMUNITY, NOV.previous(), security, {})
    )
    kpis = {
        code: (
            ledger.value(code, "community", COMMUNITY, NOV),
            ledger.value(code, "community", COMMUNITY, NOV.previous()),
        )
        for code in (
            "wo.rating_mean",
            "wo.first_response_s",
            "wo.on_time_rate",
            "alarm.ack_s",
            "alarm.false_rate",
        )
    }
    comments = [e.comment for e in events if getattr(e, "comment", None)]
    comments += [r["comment"] for r in security_responses().values() if r.get("comment")]
    return build_monthly_report(
        community_name="幸福里社区",
        period=NOV,
        generated_at=at(30, 18),
        figures=figures,
        kpis=kpis,
        ratings_by_service=ledger.services("wo.rating_mean", COMMUNITY, NOV),
        themes=summarise(comments),
        responses={"security": 30},
    )


def test_the_report_holds_the_month() -> None:
    report = november_report()
    assert [s.figure.index for s in report.indices] == ["gain", "security", "happiness"]
    security = report.indices[1]
    assert security.figure.value == pytest.approx(73.8106, abs=1e-4)
    assert security.top_move is not None and security.top_move.kind == "kpi"
    # nobody judged November's clears: the false-alarm share is shown as not measured
    assert [(r.kpi.code, r.value is None) for r in report.kpis] == [
        ("wo.rating_mean", False),
        ("wo.first_response_s", False),
        ("wo.on_time_rate", False),
        ("alarm.ack_s", False),
        ("alarm.false_rate", True),
    ]
    assert report.best_services[0].name.zh == "报事报修"
    assert {t.code for t in report.themes} >= {"repair", "response", "safety"}


def test_services_ranked_by_rating_without_codes() -> None:
    from evaluation.domain.kpis import KpiValue, Stat

    ratings = {
        "repair": KpiValue("wo.rating_mean", 4.5, Stat(45, 10, 10)),
        "complaint": KpiValue("wo.rating_mean", 2.0, Stat(8, 4, 4)),
        "brand_new_type": KpiValue("wo.rating_mean", 3.0, Stat(9, 3, 3)),
        "suggestion": KpiValue("wo.rating_mean", 5.0, Stat(10, 2, 2)),
    }  # too few
    best, worst = rank_services(ratings, top=2)
    assert [r.name.zh for r in best] == ["报事报修", "其他服务"]
    assert [r.name.zh for r in worst] == ["投诉"]


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_with_the_builtin_cjk_font() -> None:
    pdf = render_pdf(november_report(), font_path=BUILTIN)
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf
    text = _text(pdf)
    for expected in ("幸福里社区", "2026年11月", "安全感", "73.8", "报事报修", "2026.1"):
        assert expected in text
    english = _text(render_pdf(november_report(), locale="en", font_path=BUILTIN))
    assert "Sense of security" in english and "November 2026" in english


@pytest.mark.skipif(
    not any(Path(p).is_file() for p in FONT_CANDIDATES),
    reason="no TrueType CJK font installed (Debian fonts-wqy-microhei)",
)
def test_pdf_embeds_an_installed_truetype_font() -> None:
    pdf = render_pdf(november_report())
    assert b"FontFile2" in pdf  # the subset is embedded
    assert "安全感" in _text(pdf) and "幸福里社区" in _text(pdf)
