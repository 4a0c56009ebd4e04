"""The page in front of a class: every screen size without overflow or overlap, a link that
reopens the same view, the language remembered, example sentences, the keyboard after Enter."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = [(390, 844), (768, 1024), (1280, 720), (1920, 1080)]

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) problems.push(`page ${doc.scrollWidth}px wide`);
  const panels = [...document.querySelectorAll('.panel, .sentence-bar')]
    .filter((p) => p.offsetParent);
  for (const panel of panels) {
    // the unrolled network scrolls sideways inside its card by design
    if (!panel.classList.contains('network') && panel.scrollWidth > panel.clientWidth + 1) {
      const name = panel.id || panel.className;
      problems.push(`${name} overflows: ${panel.scrollWidth} > ${panel.clientWidth}`);
    }
  }
  const boxes = panels.map((p) => [p.id || p.className, p.getBoundingClientRect()]);
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const [a, ra] = boxes[i];
      const [b, rb] = boxes[j];
      const overlap = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 1 &&
        Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 1;
      if (overlap && !ra.contains?.(rb)) problems.push(`${a} overlaps ${b}`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_card_overflows_or_overlaps_another_at_any_size(browser, live_server, size, lang):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_server}/?lang={lang}")
    # a server just started fits its n-gram baselines first (seconds, in the background)
    expect(page.locator("#predictions .pred-row").first).to_be_visible(timeout=30_000)
    page.locator("#bptt [data-action=step-forward]").click()
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "1")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    page.screenshot(path=str(SHOTS / f"page-{lang}-{width}x{height}.png"))
    context.close()


def test_a_copied_link_reopens_the_same_view_in_a_new_browser(browser, live_server):
    first = browser.new_context(viewport={"width": 1280, "height": 720})
    page = first.new_page()
    page.goto(live_server + "/")
    box = page.get_by_role("textbox", name="Sentence")
    box.fill("my phone is broken , so i plan to buy a new")
    box.press("Enter")
    expect(page.locator("#bptt")).to_have_attribute(
        "data-text", "my phone is broken , so i plan to buy a new"
    )
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "0")
    for pos in (1, 2, 3):
        page.keyboard.press("ArrowRight")  # Enter left the box: arrows step at once
        expect(page.locator("#bptt")).to_have_attribute("data-pos", str(pos))
    page.get_by_role("tab", name="Softmax", exact=True).click()
    page.get_by_role("button", name="Copy link").click()
    link = page.locator("#copied").get_attribute("data-href")
    assert link and len(link) <= 2000 + len(live_server)
    first.close()
    second = browser.new_context(viewport={"width": 1280, "height": 720})
    again = second.new_page()
    again.goto(link)
    expect(again.get_by_role("textbox", name="Sentence")).to_have_value(
        "my phone is broken , so i plan to buy a new"
    )
    expect(again.locator("#bptt")).to_have_attribute("data-pos", "3")
    expect(again.get_by_role("tab", name="Softmax", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    second.close()


def test_the_language_is_remembered_and_swaps_the_example_sentence(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/")
    box = page.get_by_role("textbox", name="Sentence")
    expect(page.locator("#predictions .pred-row").first).to_be_visible()
    page.get_by_role("button", name="中文").click()
    expect(box).to_have_value("我昨天上学迟到了，老师批评了")
    expect(page.locator("#predictions")).to_have_attribute(
        "data-text", "我昨天上学迟到了，老师批评了"
    )
    page.goto(live_server + "/")  # a reload, without the URL's state
    expect(page.get_by_role("button", name="English")).to_be_visible()
    watch.assert_clean()


def test_an_example_sentence_from_the_menu_is_read(watched_page, live_server):
    page, watch = watched_page
    page.goto(live_server + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    page.get_by_role("combobox", name="Example sentences").select_option(
        "my uncle works in tokyo , so every winter we fly to"
    )
    expect(page.locator("#predictions")).to_have_attribute(
        "data-text", "my uncle works in tokyo , so every winter we fly to"
    )
    expect(page.get_by_role("textbox", name="Sentence")).to_have_value(
        "my uncle works in tokyo , so every winter we fly to"
    )
    watch.assert_clean()


def test_escape_leaves_the_sentence_box_and_an_emptied_box_clears_the_views(
    watched_page, live_server
):
    page, watch = watched_page
    page.goto(live_server + "/")
    expect(page.locator("#predictions .pred-row").first).to_be_visible()
    box = page.get_by_role("textbox", name="Sentence")
    box.click()
    page.keyboard.press("Escape")
    expect(box).not_to_be_focused()
    box.fill("")
    box.press("Enter")
    expect(page.locator("#predictions .pred-row")).to_have_count(0)
    expect(page.locator("#bptt")).to_have_attribute("data-text", "")
    watch.assert_clean()


def test_present_mode_enlarges_the_type_hides_the_labs_and_the_keyboard_drives_it(
    browser, live_server
):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{live_server}/?lang=en")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "0")
    size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    before = page.evaluate(size)
    page.get_by_role("button", name="Present").click()
    expect(page.locator("html")).to_have_class("present")
    assert page.evaluate(size) >= 1.25 * before
    expect(page.locator("#labs")).to_be_hidden()
    expect(page.locator("#sentence-hint")).to_be_hidden()
    assert "present=1" in page.url
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    page.keyboard.press("ArrowRight")  # no click needed: the stepper has the keys
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "1")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "0")
    page.keyboard.press(" ")
    expect(page.locator("#bptt")).to_have_attribute("data-playing", "1")
    page.keyboard.press(" ")
    expect(page.locator("#bptt")).to_have_attribute("data-playing", "0")
    page.keyboard.press("Escape")
    expect(page.locator("html")).not_to_have_class("present")
    expect(page.locator("#labs")).to_be_visible()
    assert "present=1" not in page.url

    # a link in present mode opens in present mode, in Chinese too
    page.goto(f"{live_server}/?lang=zh&present=1")
    expect(page.locator("html")).to_have_class("present")
    expect(page.locator("#present")).to_have_text("退出演示模式（Esc）")
    expect(page.locator("#labs")).to_be_hidden()
    context.close()
