"""Truncated BPTT lab: the dropped δ terms and the distance to the full gradient."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import ask, open_lab

SENTENCE = "i was late for school yesterday , the teacher criticised"


def test_k_3_greys_the_dropped_terms_and_shows_the_gradient_distance(watched_page, live_server):
    page, watch = watched_page
    (frames,) = ask(
        live_server,
        {
            "type": "bptt",
            "text": SENTENCE,
            "mode": "stream",
            "speed": 100,
            "truncate": 3,
            "model": "en-lm",
        },
    )
    totals = frames[-1]
    T = frames[0]["T"]
    lab = open_lab(page, live_server, "Truncated BPTT", SENTENCE)
    gap = lab.locator(".gap-line")
    expect(gap).to_contain_text("k = 3")
    assert float(gap.get_attribute("data-gap")) == pytest.approx(totals["truncation_gap"]["W1"])
    grid = lab.get_by_role("img", name="Dropped terms")
    dropped = (T - 3) * (T - 2) // 2  # output j reaches t when j − t < k
    assert grid.locator("rect.dropped").count() == dropped + 1  # + the legend's swatch
    assert grid.locator("rect.kept").count() == T * (T + 1) // 2 - dropped
    watch.assert_clean()


def test_k_at_least_t_drops_nothing(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Truncated BPTT", SENTENCE)
    expect(lab.locator(".gap-line")).to_contain_text("k = 3")
    lab.get_by_label("Truncate at k").fill("40")
    lab.get_by_role("button", name="Compare").click()
    expect(lab.locator(".gap-line")).to_contain_text("nothing is dropped")
    bars = page.evaluate("document.querySelector('#labs .tr-chart').data.map(t => t.y)")
    assert bars[0] == pytest.approx(bars[1])
    watch.assert_clean()
