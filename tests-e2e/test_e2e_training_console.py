"""The training course editor in the console (安全教育与培训, 修改课程; issue 23 item 7), on the
stack `make run` starts: in a community of this test's own, a committee member's course (an
article lesson and a one-question quiz, written through the API) is changed in the browser's
editor: a new title, a new text, a new question; saved, the list and the course's page show
the change. An edit the service refuses (the article's text emptied) shows the service's own
words in the editor, and the course stays as it was. Every wait is bounded and generous and
waits for a condition; nothing sleeps."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from e2e_kit import ok, token

C = "/api/v1/training/courses"


def _committee(api: httpx.Client, admin: dict[str, str], run: str) -> tuple[str, str]:
    """A community of its own and a committee member (community_admin) of it."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"TR{run}", "name": f"培训测试社区{run}", "address": "测试路7号"},
        )
    )
    account = ok(
        api.post(
            "/api/v1/accounts",
            headers=admin,
            json={
                "username": f"tr{run}ca",
                "display_name": f"培训测试{run}",
                "password": DEMO_PASSWORD,
                "grants": [
                    {"role": "community_admin", "scope_type": "community", "scope_id": c["id"]}
                ],
            },
        )
    )
    return c["id"], account["username"]


@pytest.mark.timeout(2700)  # the stack's start: 20+ minutes on a loaded machine
def test_the_committee_edits_a_course_and_a_refused_edit_is_said_in_words(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    title, new_title = f"家庭用电安全{run}", f"家庭用电与燃气安全{run}"
    body, new_body = "不要私拉乱接电线。", "不要私拉乱接电线；燃气用毕关闭总阀。"
    question, new_question = "电动车可以在楼道充电吗？", "电动车可以推进楼道或家中充电吗？"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        community, username = _committee(api, login("platform_admin"), run)
        office = token(api, username)
        course = ok(
            api.post(
                C,
                headers=office,
                json={
                    "community_id": community,
                    "title": title,
                    "audience": "residents",
                    "lessons": [
                        {"key": "l1", "kind": "article", "title": "安全用电", "body": body}
                    ],
                    "quiz": {
                        "pass_percent": 100,
                        "questions": [
                            {
                                "key": "q1",
                                "text": question,
                                "choices": ["可以", "不可以"],
                                "correct": [1],
                            }
                        ],
                    },
                },
            )
        )
        url = f"{C}/{course['id']}"

        page = signed_in(browser, gateway_url, username)
        page.goto("/console/gov/training")
        courses = page.get_by_test_id("training-courses")
        row = courses.locator(".el-table__row", has_text=title)
        row.get_by_test_id("training-edit").click()
        editor = page.get_by_test_id("training-editor")
        expect(page.locator("[data-test=training-title]")).to_have_value(title)
        expect(page.locator("[data-test=training-body-0]")).to_have_value(body)
        expect(page.locator("[data-test=training-question-0]")).to_have_value(question)

        # 修改课程: title, text and the quiz's question, saved
        page.locator("[data-test=training-title]").fill(new_title)
        page.locator("[data-test=training-body-0]").fill(new_body)
        page.locator("[data-test=training-question-0]").fill(new_question)
        page.get_by_test_id("training-save").click()
        expect(page.locator(".el-message--success", has_text="已保存")).to_be_visible()
        expect(editor).to_be_hidden()
        changed = courses.locator(".el-table__row", has_text=new_title)
        expect(changed).to_be_visible()
        changed.get_by_test_id("training-show").click()
        drawer = page.get_by_test_id("training-course")
        expect(drawer).to_contain_text(new_body)
        expect(drawer).to_contain_text(new_question)
        shot(page, "gov-training-edited")
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        saved = ok(api.get(url, headers=office), 200)
        assert saved["title"] == new_title
        assert [lesson["body"] for lesson in saved["content"]] == [new_body]
        assert [q["text"] for q in saved["quiz"]["questions"]] == [new_question]
        assert saved["quiz"]["questions"][0]["correct"] == [1]  # the right answer kept

        # a refused edit: the article's text emptied; the service's words, nothing changed
        changed.get_by_test_id("training-edit").click()
        expect(page.locator("[data-test=training-body-0]")).to_have_value(new_body)
        page.locator("[data-test=training-body-0]").fill("")
        page.get_by_test_id("training-save").click()
        expect(page.get_by_test_id("training-refusal")).to_contain_text("课时“安全用电”需要正文")
        expect(editor).to_be_visible()
        assert ok(api.get(url, headers=office), 200)["content"][0]["body"] == new_body
        page.context.close()
