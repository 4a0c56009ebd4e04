"""Bidirectional lab: the blank filled from both sides beside the left-only guess; both chains."""

from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import ask, open_lab

# The lab's examples (static/js/labs/strings.js): a blank only the right side decides.
SENTENCE = "my ____ is broken , so i plan to buy a new phone ."
SENTENCE_ZH = "我 的 ____ 坏 了 ， 我 打算 买 一部 新 手机 。"


def test_the_blank_shows_both_sides_and_the_left_only_distribution(watched_page, live_server):
    page, watch = watched_page
    (frame,) = ask(
        live_server, {"type": "predict", "text": SENTENCE, "model": "en-blank", "top_k": 8}
    )
    lab = open_lab(page, live_server, "Bidirectional")
    both = lab.locator(".bar-list[data-kind='both'] .norm-row")
    left = lab.locator(".bar-list[data-kind='left'] .norm-row")
    expect(both).to_have_count(len(frame["blank"]["rnn"]))
    assert [row.get_attribute("data-word") for row in both.all()] == [
        g["word"] for g in frame["blank"]["rnn"]
    ]
    assert [row.get_attribute("data-word") for row in left.all()] == [
        g["word"] for g in frame["blank"]["left_only"]
    ]
    top = frame["blank"]["rnn"][0]
    assert both.first.inner_text().split("\n")[-1] == f"{100 * top['p']:.1f}%"
    watch.assert_clean()


def test_both_chains_are_drawn_one_strip_per_input(watched_page, live_server):
    page, watch = watched_page
    (frame,) = ask(
        live_server, {"type": "predict", "text": SENTENCE, "model": "en-blank", "top_k": 8}
    )
    lab = open_lab(page, live_server, "Bidirectional")
    chains = lab.get_by_role("img", name="Both chains")
    expect(chains).to_be_visible()
    inputs = len(frame["inputs"])
    assert chains.locator(".strip").count() == 2 * inputs  # s_t and s'_t for every input
    assert chains.locator(".arrow.fwd").count() == inputs - 1
    assert chains.locator(".arrow.bwd").count() == inputs - 1
    assert chains.locator(".word.blank").text_content() == "____"
    watch.assert_clean()


def test_a_sentence_without_a_blank_gets_the_servers_explanation(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Bidirectional")
    expect(lab.locator(".bar-list")).to_have_count(2)
    lab.get_by_role("textbox", name="Sentence with a blank").fill("我 的 手机 坏 了")
    lab.get_by_role("button", name="Fill the blank").click()
    expect(lab.locator(".lab-status")).to_contain_text("write ____ where the missing word goes")
    watch.assert_clean()


def test_the_example_follows_the_page_language_and_the_right_side_wins(watched_page, live_server):
    page, watch = watched_page
    (frame,) = ask(
        live_server, {"type": "predict", "text": SENTENCE_ZH, "model": "zh-blank", "top_k": 8}
    )
    lab = open_lab(page, live_server, "Bidirectional")
    expect(lab.locator(".bar-list")).to_have_count(2)
    page.get_by_role("button", name="中文").click()
    expect(lab.locator("input.blank-input")).to_have_value(SENTENCE_ZH)
    both = lab.locator(".bar-list[data-kind='both'] .norm-row")
    expect(both.first).to_have_attribute("data-word", frame["blank"]["rnn"][0]["word"])
    assert [row.get_attribute("data-word") for row in both.all()] == [
        g["word"] for g in frame["blank"]["rnn"]
    ]
    # the point the lab teaches: both sides find the word the left side alone cannot
    assert frame["blank"]["rnn"][0]["word"] == "手机"
    left = {g["word"]: g["p"] for g in frame["blank"]["left_only"]}
    assert frame["blank"]["rnn"][0]["p"] - left.get("手机", 0.0) >= 0.3
    watch.assert_clean()
