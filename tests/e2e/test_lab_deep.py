"""Deep lab: δ of every layer at every step, flowing back through time (式3) and down (式4)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import ask, open_lab

SENTENCE = "my phone is broken , i will buy a new phone"


def test_three_layers_show_the_engines_delta_norms_and_both_flows(watched_page, live_server):
    page, watch = watched_page
    _, frames = ask(
        live_server,
        {"type": "configure", "num_layers": 3, "hidden_size": 8, "language": "en", "seed": 0},
        {"type": "bptt", "text": SENTENCE, "mode": "stream", "speed": 100},
    )
    T = frames[0]["T"]
    expected = {
        (key, chain["t"]): chain["delta_norm"]
        for frame in frames
        if frame["type"] == "bptt_backward"
        for key, chain in frame["chains"].items()
    }
    lab = open_lab(page, live_server, "Deep", SENTENCE)
    lab.get_by_label("Stacked layers").select_option("3")
    graphic = lab.get_by_role("img", name="Deep BPTT")
    nodes = graphic.locator("circle.node")
    expect(nodes).to_have_count(3 * T)
    expect(graphic.locator(".layer-label")).to_have_count(3)
    for node in nodes.all():
        key, t = node.get_attribute("data-chain"), int(node.get_attribute("data-t"))
        assert float(node.get_attribute("data-norm")) == pytest.approx(expected[(key, t)])
    assert graphic.locator(".flow.time").count() == 3 * (T - 1)  # 式3, within each layer
    assert graphic.locator(".flow.down").count() == 2 * T  # 式4, between layers
    assert graphic.locator(".flow.out").count() == T  # o_t − y_t into the top layer
    watch.assert_clean()


def test_the_page_sessions_model_is_left_alone(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Deep", SENTENCE)
    expect(lab.locator("circle.node").first).to_be_visible()
    assert "en-lm" in page.locator("#status").inner_text()
    watch.assert_clean()
