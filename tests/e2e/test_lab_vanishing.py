"""Exploding and vanishing lab: ‖δ_k‖/‖δ_T‖ as the engine computes it, overflow, the remedies."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from app.engine_bridge import vanishing_frame
from app.protocol import Vanishing
from tests.e2e.test_lab_helpers import open_lab


def engine_ratio(**settings) -> float:
    """‖δ_1‖/‖δ_T‖ from the engine for the lab's settings (hidden 32, seed 0)."""
    msg = Vanishing(type="vanishing", id=0, hidden=32, seed=0, **settings)
    return vanishing_frame(msg).ratio[0]


def test_default_tanh_vanishes_exactly_as_the_engine_says(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Exploding & vanishing")
    reach = lab.locator(".vg-reach")
    expect(reach).to_have_attribute("data-ratio", re.compile("."))
    shown = float(reach.get_attribute("data-ratio"))
    assert shown == pytest.approx(engine_ratio(activation="tanh", radius=0.8, T=50, init="xavier"))
    assert shown < 1e-4
    expect(page.locator("#labs .vg-chart.js-plotly-plot")).to_be_visible()  # Plotly.js loads lazily
    points = page.evaluate("document.querySelector('#labs .vg-chart').data[0].y.length")
    assert points == 50
    watch.assert_clean()


def test_a_huge_but_finite_delta_is_not_called_an_overflow(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Exploding & vanishing")
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", re.compile("."))
    lab.get_by_label("Activation f").select_option("identity")
    lab.get_by_role("slider", name="Spectral radius of W").fill("10")
    lab.get_by_role("slider", name="Steps T").fill("200")
    # W = 10 I over 200 steps: ‖δ_1‖ = 10^199, whose square overflows float64 but which is not
    # itself an overflow (the issue: the lab said "NaN" where only a norm's square overflowed)
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", re.compile(r"e\+19[89]"))
    expect(lab.locator(".vg-nan")).to_contain_text("No overflow: every δ")
    assert lab.locator(".vg-nan").get_attribute("data-nan-at") == "null"
    lab.get_by_role("checkbox", name="Clip the gradient at").check()
    expect(lab.locator(".vg-clip")).to_be_visible()
    watch.assert_clean()


def test_each_remedy_is_one_click_and_says_what_changed(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Exploding & vanishing")
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", re.compile("."))
    before = float(lab.locator(".vg-reach").get_attribute("data-ratio"))
    lab.get_by_role("button", name="ReLU").click()
    expect(lab.locator(".vg-said")).to_have_attribute("data-remedy", "relu")
    relu = engine_ratio(activation="relu", radius=1, T=50, init="identity")
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", str(relu))
    assert relu > before
    lab.get_by_role("button", name="Gated cell path").click()
    expect(lab.locator(".vg-said")).to_contain_text("constant error carousel")
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", "1")
    lab.get_by_role("button", name="Careful initialisation").click()
    expect(lab.locator(".vg-said")).to_contain_text("identity matrix")
    watch.assert_clean()


def test_a_saturated_identity_network_draws_its_exploding_curve_on_the_bound(
    watched_page, live_server
):
    settings = {"activation": "identity", "radius": 10, "T": 50, "init": "identity"}
    msg = Vanishing(type="vanishing", id=0, hidden=32, seed=0, **settings)
    engine = vanishing_frame(msg)  # W = 10·I: ‖δ_k‖/‖δ_T‖ = 10^(T−k), the unit δ_T carried back
    page, watch = watched_page
    lab = open_lab(page, live_server, "Exploding & vanishing")
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", re.compile("."))
    lab.get_by_label("Activation f").select_option("identity")
    lab.get_by_label("Initialisation", exact=True).select_option("identity")
    lab.get_by_role("slider", name="Spectral radius of W").fill("10")
    expect(lab.locator(".vg-reach")).to_have_attribute("data-ratio", str(engine.ratio[0]))
    ratio, bound = page.evaluate(
        "[...document.querySelector('#labs .vg-chart').data].slice(0, 2).map(t => t.y)"
    )
    ratio, bound = np.array(ratio, dtype=float), np.array(bound, dtype=float)  # JSON 1e20 is an int
    assert ratio.tolist() == engine.ratio and bound.tolist() == engine.bound
    np.testing.assert_allclose(ratio, 10.0 ** np.arange(49, -1, -1), rtol=1e-12)
    np.testing.assert_allclose(bound, ratio, rtol=1e-12)
    expect(lab.locator(".vg-nan")).to_have_attribute("data-nan-at", "null")
    watch.assert_clean()
