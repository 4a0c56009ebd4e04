"""What the user types is only ever text on the page, and the server's refusals are shown as
clear messages while the page stays usable."""

from playwright.sync_api import expect

from rnn_core.text import tokenize


def open_ready(page, url: str) -> None:
    """Load the page and wait until the server's hello arrived (the page may send from then on)."""
    page.goto(url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")


def type_sentence(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Sentence")
    box.fill(text)
    box.press("Enter")


def test_typed_markup_is_shown_as_text_and_runs_nothing(watched_page, live_server):
    page, watch = watched_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_ready(page, live_server)
    text = "<img src=x onerror=alert(1)>"
    type_sentence(page, text)
    expect(page.locator("#predictions")).to_have_attribute("data-text", text)
    expect(page.locator("#bptt")).to_have_attribute("data-text", text)

    reads = page.locator("#predictions .pred-row .read").all_inner_texts()
    assert reads == ["<s>", *tokenize(text)]
    assert "<" in reads and "img" in reads
    network_words = page.get_by_role("img", name="Unrolled network").locator("g.x-box .word")
    assert "img" in network_words.all_text_contents()
    page.get_by_role("button", name="Step forward").click()
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "1")
    assert page.locator("img").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert dialogs == []
    watch.assert_clean()


def test_a_sentence_above_the_token_limit_shows_the_servers_reason(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    type_sentence(page, " ".join(["school"] * 80))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("80 words")
    expect(alert).to_contain_text("at most 64")
    expect(alert).to_have_attribute("data-code", "too_long")
    expect(page.locator("#predictions .pred-row")).to_have_count(0)
    alert.get_by_role("button", name="Read the first 64 words").click()  # instead of a blank page
    expect(page.locator("#predictions .pred-row")).to_have_count(65)
    expect(alert).to_contain_text("Only the first 64 of the 80 words are read")

    type_sentence(page, "i was late")
    expect(page.locator("#predictions")).to_have_attribute("data-text", "i was late")
    expect(alert).to_be_hidden()
    expect(page.locator("#predictions .pred-row")).to_have_count(4)
    watch.assert_clean()
