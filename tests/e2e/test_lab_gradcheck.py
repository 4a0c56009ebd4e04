"""Gradient check lab: BPTT agrees with finite differences, and the tutorial's check is blind."""

import re

from playwright.sync_api import expect

from rnn_core.gradcheck import nonlinear_gradient_check, tutorial_gradient_check
from tests.e2e.test_lab_helpers import open_lab

ANY = re.compile(".")


def test_tanh_check_shows_a_worst_relative_error_below_1e_6(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Gradient check")
    worst = lab.locator(".gc-worst")
    expect(lab.locator(".gc-worst")).to_have_attribute("data-worst", ANY)
    assert float(worst.get_attribute("data-worst")) < 1e-6
    assert "passed" in worst.inner_text()
    assert lab.locator(".gc-table tr").count() == 1 + 5  # header + U1 W1 b1 V c
    # Plotly.js loads on first use, so the chart may be drawn a moment after the verdict; its
    # export buttons appear once it is
    expect(lab.locator(".export-bar")).to_be_visible()
    dots = page.evaluate(
        "document.querySelector('#labs .gc-chart').data.slice(1).map(t => t.x.length)"
    )
    assert sum(dots) > 0
    watch.assert_clean()


def test_tutorial_toggle_shows_the_identity_check_passing_the_buggy_code(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Gradient check")
    expect(lab.locator(".gc-worst")).to_have_attribute("data-worst", ANY)
    lab.get_by_role("checkbox", name="tutorial's own check").check()
    verdicts = lab.locator(".verdicts li")
    verdicts.first.wait_for()
    shown = {
        li.get_attribute("data-check"): li.get_attribute("data-passed") == "true"
        for li in verdicts.all()
    }
    assert shown["identity_buggy"] is True  # the blind spot
    assert shown["identity_buggy"] == tutorial_gradient_check(True).passed
    assert shown["tanh_buggy"] is False
    assert shown["tanh_buggy"] == nonlinear_gradient_check(True).passed
    assert "f' = 1" in lab.locator(".gc-tutorial").inner_text()
    watch.assert_clean()


def test_a_larger_deep_bidirectional_model_still_passes(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Gradient check")
    expect(lab.locator(".gc-worst")).to_have_attribute("data-worst", ANY)
    lab.get_by_label("Layers").fill("2")
    lab.get_by_label("Bidirectional").check()
    lab.get_by_role("button", name="Check gradients").click()
    expect(lab.locator(".gc-table")).to_contain_text("W′⁽²⁾")  # W2', as the tutorial writes it
    assert float(lab.locator(".gc-worst").get_attribute("data-worst")) < 1e-6
    assert lab.locator(".gc-table tr").count() == 1 + 15  # U W b of 4 chains, V V′ c
    watch.assert_clean()
