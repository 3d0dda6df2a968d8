"""Activities from plan to summary: approval, sign-up with a waiting list, QR check-in,
ratings, archive, the generated text and its PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pypdfium2 as pdfium
import pytest
from PIL import Image

from gov_affairs.adapters.summary_pdf import render_summary
from gov_affairs.domain import activities as act

START = datetime(2026, 5, 16, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


def planned(capacity: int = 3, max_party: int = 2) -> act.Activity:
    return act.Activity(
        title="端午包粽子",
        description="邻里一起包粽子",
        venue="社区活动室（2号楼一层）",
        community_id="c1",
        audience={"places": [{"type": "community", "id": "c1"}]},
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        capacity=capacity,
        max_party=max_party,
        organiser="admin-1",
    )


def announced(**kw: int) -> act.Activity:
    a = act.move(planned(**kw), "submit", "admin-1")
    with pytest.raises(act.ActivityError):
        act.move(a, "approve", "admin-1")
    a = act.move(a, "approve", "admin-2")
    return act.move(a, "announce", "admin-1")


BEFORE = START - timedelta(days=3)


def test_sign_up_waiting_list_and_promotion_in_order() -> None:
    a = act.move(planned(), "submit", "admin-1")
    with pytest.raises(act.ActivityError) as early:
        act.sign_up(a, "p1", "张三", BEFORE)
    assert early.value.code == "activity.not_open"
    a = announced()
    a, s1 = act.sign_up(a, "p1", "张三", BEFORE, party=2)
    a, s2 = act.sign_up(a, "p2", "李四", BEFORE, party=2)  # one place left, a party of two waits
    a, s3 = act.sign_up(a, "p3", "王五", BEFORE)  # fits, but nobody jumps the queue
    assert [s.status for s in (s1, s2, s3)] == ["confirmed", "waitlisted", "waitlisted"]
    assert (act.waiting_position(a, "p2"), act.waiting_position(a, "p3")) == (1, 2)
    with pytest.raises(act.ActivityError) as twice:
        act.sign_up(a, "p1", "张三", BEFORE)
    assert twice.value.code == "activity.already_signed_up"
    a, promoted = act.cancel_signup(a, "p1")
    assert promoted == [act.Promoted("p2"), act.Promoted("p3")]
    assert a.taken() == 3
    a, nobody = act.cancel_signup(a, "p3")
    assert nobody == []


def test_check_in_by_the_venue_code_rate_archive_and_summary() -> None:
    a = announced(capacity=10)
    people = [("p1", "张三"), ("p2", "李四"), ("p3", "王五"), ("p4", "赵六")]
    for pid, name in people:
        a, _ = act.sign_up(a, pid, name, BEFORE)
    with pytest.raises(act.ActivityError) as wrong:
        act.check_in(a, "p1", "not-the-code", START)
    assert wrong.value.code == "activity.bad_check_in_code"
    with pytest.raises(act.ActivityError) as too_early:
        act.check_in(a, "p1", a.check_in_token, START - timedelta(hours=1))
    assert too_early.value.code == "activity.check_in_closed"
    for pid in ("p1", "p2", "p3"):
        a = act.check_in(a, pid, a.check_in_token, START + timedelta(minutes=5))
    with pytest.raises(act.ActivityError) as stranger:
        act.check_in(a, "p9", a.check_in_token, START)
    assert stranger.value.code == "activity.no_place"
    with pytest.raises(act.ActivityError) as absent:
        act.rate(a, "p4", 5, None, START + timedelta(hours=3))
    assert absent.value.code == "activity.not_attended"
    a = act.rate(a, "p1", 5, "粽子很香，邻居们很热情", START + timedelta(hours=3))
    a = act.rate(a, "p2", 4, "希望多办", START + timedelta(hours=3))
    a = act.move(a, "finish", "admin-1")
    a = act.archive(a, ["photo-1"], "活动结束后，志愿者为独居老人送去了粽子。")
    summary = act.summarise(a, "幸福里社区")
    assert (summary.signed_up, summary.came, summary.attendance_percent) == (4, 3, 75)
    assert str(summary.average_rating) == "4.5"
    assert summary.paragraph.zh == (
        "2026年5月16日，幸福里社区在社区活动室（2号楼一层）举办了“端午包粽子”活动。"
        "共有4人报名，实到3人，到场率75%。2位居民参与评价，平均4.5分（满分5分）。"
        "活动结束后，志愿者为独居老人送去了粽子。"
    )
    assert summary.comments == ("粽子很香，邻居们很热情", "希望多办")

    photo = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 120, 40)).save(photo, format="JPEG")
    pdf = render_summary(summary, "幸福里社区", [photo.getvalue()])
    page = pdfium.PdfDocument(pdf)[0]
    text = page.get_textpage().get_text_range()
    for expected in ("端午包粽子活动小结", "到场率", "75%", "4.5 / 5", "粽子很香"):
        assert expected in text, expected
    assert any(obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects())


def test_an_activity_s_audience_names_real_buildings() -> None:
    # the merged-OpenAPI fuzz sent building_ids [""] to POST /api/v1/activities: a 500
    from datetime import UTC, datetime, timedelta

    import pytest
    from pydantic import ValidationError

    from gov_affairs.api.activities import ActivityCreate

    start = datetime(2026, 12, 20, 9, tzinfo=UTC)
    body = {
        "community_id": "c-1",
        "title": "重阳节敬老包饺子",
        "description": "欢迎参加",
        "venue": "社区活动室",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 20,
    }
    assert ActivityCreate.model_validate({**body, "building_ids": ["b-1"]}).building_ids == ["b-1"]
    with pytest.raises(ValidationError):
        ActivityCreate.model_validate({**body, "building_ids": [""]})
