"""The public check page: standing in both languages, the holder masked, markup escaped."""

from __future__ import annotations

from datetime import date

from gov_affairs.adapters.verify_page import PublicCheck, render_found, render_not_found
from gov_affairs.domain.text import Text


def test_found_page_says_the_standing_and_masks_the_holder() -> None:
    page = render_found(
        PublicCheck(
            code="7KQ2-M9XA-PT4C-Z8HB",
            title=Text(zh="高龄补贴核定通知书", en="Old-age allowance approval notice"),
            holder_masked="王*英",
            issuer=Text(zh="幸福里社区居民委员会", en="Xingfuli Community Residents' Committee"),
            issued_on=date(2026, 3, 3),
            valid_until=date(2027, 3, 3),
            standing="revoked",
        )
    )
    assert "已撤销" in page and "Revoked" in page
    assert "王*英" in page and "2027-03-03" in page
    assert "Residents&#x27; Committee" in page  # escaped


def test_not_found_page_escapes_what_it_repeats() -> None:
    page = render_not_found(Text(zh="没有找到<script>", en="No certificate"))
    assert "<script>" not in page and "&lt;script&gt;" in page
