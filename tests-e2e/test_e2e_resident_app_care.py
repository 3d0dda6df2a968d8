"""Mutual aid (邻里互助) in the residents' app, in a real browser at phone size (the phone,
sign-in and screenshots of test_e2e_resident_app.py), against the stack `make run` starts:

- `make run`'s care demo: 张德福 (born 1942) is in the care of his son 张伟 (the
  ``resident``). From home, three taps ask the neighbours for help for him: 请人帮忙, what
  help (帮忙买菜购物), 发出求助 (for him, as soon as possible, by default);
- 王芳 (the ``tenant``, building 2 of the same community) opens the neighbours' board on her
  phone: the request shows the building and the note, the elder's name masked, no flat and
  no phone; she takes it and then sees his name, flat and phone;
- 张伟 sees it taken by 王芳, confirms it was done with four stars and a thank-you; his list
  and her list then show it done with the rating, and it is gone from the open board.

Screenshots go to tests-e2e/artifacts/app-aid-*.png (gitignored). Every wait is a
Playwright expectation or a polled condition with a generous bound; nothing sleeps.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_resident_app import phone, shot, sign_in

from e2e_kit import wait_until


def test_an_elder_asks_a_neighbour_takes_it_and_the_elder_confirms_and_rates(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    son = login("resident")

    def father() -> bool:  # care's demo loads after the stack is up
        r = api.get("/api/v1/care/family", headers=son)
        return r.status_code == 200 and any(m["name"] == "张德福" for m in r.json()["items"])

    wait_until(father, 300, "the demo elder's care record")
    note = f"买一袋米和一桶油 {uuid.uuid4().hex[:4]}"

    # the son asks for his father: three taps from home
    elder = phone(browser, gateway_url)
    sign_in(elder)
    elder.get_by_test_id("go-aid").tap()  # 1
    elder.get_by_test_id("aid-kind-shopping").tap()  # 2
    chosen = elder.get_by_test_id("aid-person").filter(has_text="张德福")
    expect(chosen).to_have_class(re.compile(r"\bon\b"))  # for him, by default
    elder.get_by_test_id("aid-note").locator("textarea").fill(note)
    elder.get_by_test_id("aid-phone-input").locator("input").fill("13800000001")
    shot(elder, "aid-ask")
    elder.get_by_test_id("aid-send").tap()  # 3
    mine = elder.get_by_test_id("aid-request").filter(has_text=note)
    expect(mine).to_contain_text("帮忙买菜购物")
    expect(mine.get_by_test_id("aid-status")).to_have_text("待接单")
    expect(mine).to_contain_text("张德福")

    # the neighbour: the board shows it masked; she takes it and sees who and where
    neighbour = phone(browser, gateway_url)
    sign_in(neighbour, "tenant")
    neighbour.locator(".uni-tabbar__item").filter(has_text="服务").tap()
    neighbour.get_by_test_id("service-aid").tap()
    neighbour.get_by_test_id("aid-tab-open").tap()
    board = neighbour.get_by_test_id("aid-request").filter(has_text=note)
    expect(board).to_contain_text("张**")
    expect(board).to_contain_text("1号楼")
    expect(board).to_contain_text("接单后可见姓名、门牌和电话")
    expect(board).not_to_contain_text("张德福")
    expect(board).not_to_contain_text("101")
    expect(board).not_to_contain_text("13800000001")
    shot(neighbour, "aid-board")
    board.get_by_test_id("aid-take").tap()
    taken = neighbour.get_by_test_id("aid-request").filter(has_text=note)
    expect(neighbour.get_by_test_id("aid-tab-taken")).to_have_class(re.compile(r"\bon\b"))
    expect(taken.get_by_test_id("aid-status")).to_have_text("已接单")
    expect(taken).to_contain_text("张德福")
    expect(taken).to_contain_text("1号楼1单元101室")
    expect(taken.get_by_test_id("aid-phone")).to_have_text("电话：13800000001")
    shot(neighbour, "aid-taken")

    # the son: taken by 王芳; he confirms it was done, four stars and thanks
    elder.reload()
    mine = elder.get_by_test_id("aid-request").filter(has_text=note)
    expect(mine.get_by_test_id("aid-status")).to_have_text("已接单")
    expect(mine.get_by_test_id("aid-helper")).to_contain_text("王芳")
    mine.get_by_test_id("aid-confirm").tap()
    mine.get_by_test_id("stars").locator(".wd-rate__item").nth(3).tap()
    expect(mine.get_by_test_id("stars-text")).to_have_text("满意")
    mine.get_by_test_id("aid-thanks").locator("input").fill("谢谢王芳！")
    mine.get_by_test_id("aid-confirm-send").tap()
    expect(mine.get_by_test_id("aid-status")).to_have_text("已完成")
    expect(mine.get_by_test_id("aid-rated")).to_have_text("评分 4 星 · 谢谢王芳！")
    shot(elder, "aid-done")

    # done everywhere: her list shows it done and rated, the open board no longer has it
    neighbour.reload()
    neighbour.get_by_test_id("aid-tab-taken").tap()
    done = neighbour.get_by_test_id("aid-request").filter(has_text=note)
    expect(done.get_by_test_id("aid-status")).to_have_text("已完成")
    expect(done.get_by_test_id("aid-rated")).to_contain_text("评分 4 星")
    neighbour.get_by_test_id("aid-tab-open").tap()
    expect(neighbour.get_by_test_id("aid-request").filter(has_text=note)).to_have_count(0)
    for page in (elder, neighbour):
        assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
        page.context.close()
    api.close()
