"""Softmax playground: the tutorial's z = [1, 2, 3, 4] and the loss, as the engine computes them."""

import numpy as np
import pytest
from playwright.sync_api import expect

from rnn_core import softmax
from tests.e2e.test_lab_helpers import open_lab


def shown_o(lab) -> list[str]:
    return lab.locator(".softmax-o").all_inner_texts()


def test_default_z_shows_the_tutorials_probabilities_and_the_exact_loss(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Softmax")
    lab.locator(".softmax-o").first.wait_for()
    assert shown_o(lab) == ["0.03", "0.09", "0.24", "0.64"]
    expected = -np.log(softmax(np.array([1.0, 2.0, 3.0, 4.0]))[0])
    loss = lab.locator(".softmax-loss")
    assert abs(float(loss.get_attribute("data-loss")) - expected) < 1e-9
    assert loss.inner_text().endswith(f"= {expected:.2f}")
    assert "3.51" in lab.locator(".softmax-note").inner_text()
    watch.assert_clean()


def test_editing_z_and_the_label_recomputes_on_the_server(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Softmax")
    lab.locator(".softmax-o").first.wait_for()
    lab.get_by_role("textbox", name="Scores z").fill("0, 0, 5")
    lab.get_by_role("textbox", name="Scores z").press("Enter")
    expect(lab.locator(".softmax-o")).to_have_count(3)
    o = softmax(np.array([0.0, 0.0, 5.0]))
    assert shown_o(lab) == [f"{v:.2f}" for v in o]
    lab.get_by_role("radio", name="3").click()
    expect(lab.locator(".softmax-loss")).to_contain_text("o_3")
    assert float(lab.locator(".softmax-loss").get_attribute("data-loss")) == pytest.approx(
        -np.log(o[2])
    )
    assert lab.locator(".softmax-note").is_hidden()
    watch.assert_clean()


def test_text_that_is_not_numbers_is_refused_in_the_page(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Softmax")
    lab.locator(".softmax-o").first.wait_for()
    lab.get_by_role("textbox", name="Scores z").fill("<img src=x onerror=alert(1)>")
    lab.get_by_role("textbox", name="Scores z").press("Enter")
    assert "1 to 1000 numbers" in lab.locator(".lab-status").inner_text()
    assert page.locator("#labs img").count() == 0
    watch.assert_clean()


def test_the_lab_speaks_chinese_after_the_switch(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Softmax")
    lab.locator(".softmax-o").first.wait_for()
    page.get_by_role("button", name="中文").click()
    assert "真实标签" in lab.inner_text()
    assert "教程写的是 3.51" in lab.locator(".softmax-note").inner_text()
    assert page.get_by_role("tab", name="Softmax 与交叉熵 / Softmax").is_visible()
    assert page.get_by_role("tab", name="Softmax").is_visible()  # English selectors still work
    watch.assert_clean()


def test_a_tiny_probability_is_written_in_e_notation_not_as_zero(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Softmax")
    lab.locator(".softmax-o").first.wait_for()
    lab.get_by_role("textbox", name="Scores z").fill("0, 0, 10")
    lab.get_by_role("textbox", name="Scores z").press("Enter")
    o = softmax(np.array([0.0, 0.0, 10.0]))  # o_1 = 4.54e−5
    mantissa, exponent = f"{o[0]:.2e}".split("e")
    expect(lab.locator(".softmax-loss")).to_contain_text(f"−log {mantissa}e−{-int(exponent)} =")
    watch.assert_clean()
