"""Per-token loss strip: −log o_t(label), the running sentence probability and o_t − y_t."""

import math

import pytest
from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import ask, open_lab

SENTENCE = "i was late for school yesterday , the teacher criticised"


def test_each_words_loss_and_the_running_probability_match_the_server(watched_page, live_server):
    page, watch = watched_page
    (frame,) = ask(live_server, {"type": "predict", "text": SENTENCE, "top_k": 10})
    p = [position["next_p"]["rnn"] for position in frame["positions"]]
    lab = open_lab(page, live_server, "Per-token loss", SENTENCE)
    columns = lab.locator(".loss-col")
    expect(columns).to_have_count(len(p))
    for i, column in enumerate(columns.all()):
        assert float(column.get_attribute("data-loss")) == pytest.approx(-math.log(p[i]))
        assert column.locator(".loss-value").inner_text() == f"{-math.log(p[i]):.2f}"
        running = float(column.locator(".running").get_attribute("data-p"))
        assert running == pytest.approx(math.prod(p[: i + 1]))
    assert columns.last.get_attribute("data-word") == "</s>"
    watch.assert_clean()


def test_the_output_error_is_p_minus_1_on_the_label_and_p_elsewhere(watched_page, live_server):
    page, watch = watched_page
    (frame,) = ask(live_server, {"type": "predict", "text": SENTENCE, "top_k": 10})
    first = frame["positions"][0]
    lab = open_lab(page, live_server, "Per-token loss", SENTENCE)
    rows = lab.locator(".loss-col").first.locator(".erow")
    expect(rows.first).to_be_visible()
    label_row = rows.first.inner_text().split("\n")
    assert label_row[0] == first["next"]["word"]
    assert label_row[-1] == f"{first['next_p']['rnn'] - 1:.2f}".replace("-", "\u2212")
    assert rows.first.locator(".ebar.neg").count() == 1
    assert rows.nth(1).locator(".ebar.pos").count() == 1
    watch.assert_clean()
