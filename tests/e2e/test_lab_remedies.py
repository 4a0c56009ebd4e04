"""Remedies lab in Chromium: one row per remedy model, every square the share the server's
frame carries, a word click follows the error from there, and the lab speaks Chinese."""

import re

from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import ask, open_lab

DEFAULT = "i was late for school yesterday , and the teacher criticised me"


def shown_shares(lab, role: str) -> list[str]:
    return lab.locator(f"tr[data-role='{role}'] .remedy-share").all_inner_texts()


def share_text(value) -> str:
    if value is None:
        return ""
    if value >= 0.1:
        return f"{round(100 * value)}%"
    if value >= 0.01:
        return f"{100 * value:.1f}%"
    return f"{value:.2e}".replace("e-0", "e-").replace("-", "−")


def test_every_square_is_the_frames_share_and_a_click_moves_t(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Remedies")
    grid = lab.locator(".remedy-grid")
    expect(grid).to_be_visible()
    (frame,) = ask(live_server, {"type": "remedies", "text": DEFAULT})
    roles = [m["role"] for m in frame["models"]]
    expect(lab.locator("tr.remedy-detail")).to_have_count(len(roles))
    for m in frame["models"]:
        want = [share_text(v) if k <= frame["t"] else "" for k, v in enumerate(m["relative"])]
        assert shown_shares(lab, m["role"]) == want
        row = lab.locator(f"tr[data-role='{m['role']}']").first
        assert row.get_attribute("data-verdict") == m["verdict"]
    assert "relu" in roles  # the page's own model is always among them
    lab.locator("button.remedy-word[data-k='3']").click()  # "late": the error predicting it
    expect(lab.locator(".remedy-caption")).to_contain_text("“late” (t = 2)")
    (moved,) = ask(live_server, {"type": "remedies", "text": DEFAULT, "t": 2})
    first = moved["models"][0]
    want = [share_text(v) if k <= 2 else "" for k, v in enumerate(first["relative"])]
    assert shown_shares(lab, first["role"]) == want
    watch.assert_clean()


def test_the_lab_in_chinese_reads_a_chinese_example(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/?lang=zh&lab=remedies")
    lab = page.locator("#lab-remedies")
    expect(lab.locator(".remedy-grid")).to_be_visible()
    assert lab.locator(".remedy-input").input_value() == "我昨天上学迟到了，老师批评了我"
    expect(lab.locator(".remedy-caption")).to_contain_text(re.compile("往回追踪"))
    expect(lab.locator(".remedy-verdict").first).to_contain_text(re.compile("传到|变弱|消失"))
    lab.locator(".remedy-input").fill("我")
    lab.get_by_role("button", name=re.compile("比较")).click()
    expect(lab.locator(".lab-status")).to_contain_text("至少写两个词")
    watch.assert_clean()
