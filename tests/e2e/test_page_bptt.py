"""Stepping through BPTT in the page: the δ values shown are the engine's for that sentence and
model, stepping backward changes δ and the formula, the keyboard steps and plays, and the
accessible names survive the switch to Chinese."""

import io
import re
from urllib.request import urlopen

import numpy as np
from playwright.sync_api import expect

from rnn_core import io as model_io
from rnn_core.text import Vocab, tokenize, training_pair_ids

SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def open_ready(page, url: str) -> None:
    """Load the page and wait until the server's hello arrived (the page may send from then on)."""
    page.goto(url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")


def start_pass(page, text: str) -> None:
    """Send a sentence and wait until its BPTT pass stands at the first forward frame."""
    box = page.get_by_role("textbox", name="Sentence", exact=True)
    box.fill(text)
    box.press("Enter")
    bptt = page.locator("#bptt")
    expect(bptt).to_have_attribute("data-text", text)
    expect(bptt).to_have_attribute("data-pos", "0")


def click_and_wait(page, name: str, pos: int) -> None:
    page.get_by_role("region", name="BPTT").get_by_role("button", name=name).click()
    expect(page.locator("#bptt")).to_have_attribute("data-pos", str(pos))


def engine_trace(page, url: str, text: str):
    """model.trace on the session's own model (the pass's; downloaded with the hello's token)."""
    body = page.locator("body")
    assert page.locator("#bptt").get_attribute("data-model") == body.get_attribute("data-model")
    token = body.get_attribute("data-session")
    with urlopen(f"{url}/api/sessions/{token}/model", timeout=10) as response:
        checkpoint = model_io.load(io.BytesIO(response.read()))
    x, y = training_pair_ids(tokenize(text), Vocab.from_list(checkpoint.vocab))
    return x, checkpoint.model.trace(x, y)


def pass_with_trace(page, url: str):
    """Open the page and start a pass on its language's sentence; the engine's (x, trace) of it."""
    open_ready(page, url)
    text = SENTENCES[page.locator("body").get_attribute("data-language")]
    start_pass(page, text)
    return engine_trace(page, url, text)


def jump_to(page, position: str) -> None:
    """Move the stepper's position slider to `position` (a number or `slider.max`)."""
    page.locator("#bptt input.position").evaluate(
        f"(slider) => {{ slider.value = {position}; slider.dispatchEvent(new Event('change')); }}"
    )


def parse_number(text: str) -> tuple[float, float]:
    """A number as the page prints it and half a unit of its last printed digit."""
    text = text.replace("\u2212", "-").strip()
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    scale = 10.0 ** int(exponent) if exponent else 1.0
    return float(text), 0.5 * 10.0**-decimals * scale + 1e-12


def shown_delta(page) -> tuple[int, list[str], str]:
    """The step k, the δ_k entries and the ‖δ_k‖ text of the stepper's δ line."""
    line = page.locator("#bptt .delta-values .vector").first
    name = line.locator(".name").inner_text()
    assert name.startswith("δ"), name
    k = int(name[1:].translate(SUBSCRIPT_DIGITS))
    numbers = line.locator(".numbers").inner_text().split(", ")
    norm = line.locator(".norm").inner_text().split("=")[1]
    return k, numbers, norm


def assert_matches_engine(page, trace) -> int:
    k, numbers, norm = shown_delta(page)
    chain = trace.chains["1"]
    assert len(numbers) == min(8, chain.delta.shape[1])
    for text, exact in zip(numbers, chain.delta[k - 1], strict=False):
        value, tolerance = parse_number(text)
        assert abs(value - exact) <= tolerance, (k, text, exact)
    value, tolerance = parse_number(norm)
    assert abs(value - np.linalg.norm(chain.delta[k - 1])) <= tolerance
    return k


SENTENCES = {"en": "the teacher was late for school", "zh": "老师 批评 了 迟到 的 我"}


def test_delta_shown_equals_the_engines_and_stepping_back_changes_it(watched_page, live_server):
    page, watch = watched_page
    x, trace = pass_with_trace(page, live_server)
    T = len(x)
    indices = page.get_by_role("img", name="Unrolled network").locator("g.x-box .index")
    assert indices.all_text_contents() == [f"#{i}" for i in x]  # the page's one-hot indices
    formula = page.locator("#formula")
    expect(formula).to_contain_text("式2")
    for pos in range(1, T + 1):  # T−1 more forward frames, then the first backward frame k = T
        click_and_wait(page, "Step forward", pos)
    expect(page.locator("#bptt .phase")).to_contain_text(f"k = {T}")
    assert assert_matches_engine(page, trace) == T
    for number in ("式3", "式5", "式6", "式8"):
        expect(formula).to_contain_text(number)

    click_and_wait(page, "Step forward", T + 1)
    delta_before, formula_before = shown_delta(page), formula.inner_text()
    assert assert_matches_engine(page, trace) == T - 1
    expect(page.locator("#gradflow")).to_have_attribute("data-points", "2")

    click_and_wait(page, "Step backward", T)
    assert shown_delta(page) != delta_before
    assert formula.inner_text() != formula_before
    assert assert_matches_engine(page, trace) == T
    watch.assert_clean()


def test_delta_arrows_are_as_thick_as_the_engines_delta_norms(watched_page, live_server):
    page, watch = watched_page
    x, trace = pass_with_trace(page, live_server)
    T = len(x)
    for pos in range(1, 2 * T + 1):  # every frame up to the totals
        click_and_wait(page, "Step forward", pos)
    expect(page.locator("#bptt .phase")).to_contain_text("Totals")
    arrows = page.get_by_role("img", name="Unrolled network").locator("line.delta-arrow.on")
    expect(arrows).to_have_count(T - 1)  # δ_k flows on to k − 1 for k = T … 2
    widths = {}
    for i in range(T - 1):
        tip = arrows.nth(i).get_attribute("data-tip")  # "‖δ₇‖ = 0.2100"
        k = int(tip[2 : tip.index("‖", 1)].translate(SUBSCRIPT_DIGITS))
        widths[k] = float(arrows.nth(i).get_attribute("stroke-width"))
    norms = np.linalg.norm(trace.chains["1"].delta, axis=1)  # (T,) ‖δ_k‖
    excess = np.array([widths[k] - min(widths.values()) for k in range(2, T + 1)])
    expected = norms[1:] - norms[1:].min()
    np.testing.assert_allclose(excess / excess.max(), expected / expected.max(), atol=1e-6)
    expect(page.locator("#gradflow")).to_have_attribute("data-points", str(T))
    expect(page.locator("#gradsum figure.card")).to_have_count(T + 1)  # T cards and the total
    watch.assert_clean()


def test_keyboard_arrows_step_and_space_plays_and_pauses(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    start_pass(page, "my phone is broken , i will buy a new phone")
    bptt = page.locator("#bptt")
    page.get_by_role("heading", name="Unrolled network").click()  # focus leaves the textbox
    page.keyboard.press("ArrowRight")
    expect(bptt).to_have_attribute("data-pos", "1")
    page.keyboard.press("ArrowRight")
    expect(bptt).to_have_attribute("data-pos", "2")
    page.keyboard.press("ArrowLeft")
    expect(bptt).to_have_attribute("data-pos", "1")

    page.keyboard.press(" ")
    expect(bptt).to_have_attribute("data-playing", "1")
    expect(bptt).not_to_have_attribute("data-pos", re.compile(r"^[01]$"))
    page.keyboard.press(" ")
    expect(bptt).to_have_attribute("data-playing", "0")
    paused_at = bptt.get_attribute("data-pos")
    page.keyboard.press("ArrowLeft")
    expect(bptt).to_have_attribute("data-pos", str(int(paused_at) - 1))
    watch.assert_clean()


def test_chinese_mode_keeps_the_english_accessible_names(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    start_pass(page, "i was late for school")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("button", name="前进一步")).to_be_visible()
    for role, name in [
        ("textbox", "Sentence"),
        ("region", "Next-word predictions"),
        ("img", "Unrolled network"),
        ("region", "BPTT"),
    ]:
        expect(page.get_by_role(role, name=name)).to_have_count(1)
    stepper = page.get_by_role("region", name="BPTT")
    for name in ("Step backward", "Step forward", "Play", "Pause"):
        expect(stepper.get_by_role("button", name=name)).to_have_count(1)
    click_and_wait(page, "Step forward", 1)
    expect(page.locator("#bptt .phase")).to_contain_text("前向计算")
    watch.assert_clean()


def test_a_jump_to_the_totals_shows_every_delta_norm_and_the_bound(watched_page, live_server):
    page, watch = watched_page
    x, trace = pass_with_trace(page, live_server)
    T = len(x)
    jump_to(page, "slider.max")
    expect(page.locator("#bptt .phase")).to_contain_text("Totals")
    expect(page.locator("#gradflow")).to_have_attribute("data-points", str(T))
    expect(page.locator("#gradflow .chart.js-plotly-plot")).to_be_visible()  # Plotly loads lazily
    shown = page.evaluate("document.querySelector('#gradflow .chart').data.map(t => t.y)")
    norms = np.linalg.norm(trace.chains["1"].delta, axis=1)  # (T,) ‖δ_k‖, k = 1…T
    np.testing.assert_allclose(shown[0], norms, rtol=1e-6)
    assert len(shown[1]) == T  # the dashed bound ‖δ_T‖(β_W β_f)^(T−k)
    arrows = page.get_by_role("img", name="Unrolled network").locator("line.delta-arrow.on")
    expect(arrows).to_have_count(T - 1)
    # a jump fills every view: the cards ∇W_k of every k it skipped, and the total ∇W
    expect(page.locator("#gradsum figure.card")).to_have_count(T + 1)
    watch.assert_clean()


def test_the_bound_is_drawn_from_the_first_backward_step(watched_page, live_server):
    page, watch = watched_page
    x, trace = pass_with_trace(page, live_server)
    T = len(x)
    jump_to(page, str(T))
    expect(page.locator("#bptt .phase")).to_contain_text(f"k = {T}")
    expect(page.locator("#gradflow")).to_have_attribute("data-points", "1")
    expect(page.locator("#gradflow .chart.js-plotly-plot")).to_be_visible()  # Plotly loads lazily
    traces = page.evaluate(
        "[...document.querySelector('#gradflow .chart').data].map(t => ({name: t.name, y: t.y}))"
    )
    bounds = [trace for trace in traces if trace["name"].startswith("bound")]
    assert len(bounds) == 1  # ‖δ_T‖(β_W β_f)^(T−k), k = 1…T, before the totals
    np.testing.assert_allclose(bounds[0]["y"], trace.chains["1"].bound, rtol=1e-12)
    watch.assert_clean()


def test_a_deep_model_shows_delta_coming_down_through_equation_4(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    page.get_by_role("tab", name="Training", exact=True).click()
    lab = page.locator("#lab-training")
    lab.get_by_label("Hidden size").fill("8")
    lab.get_by_label("Layers").fill("2")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(page.locator("body")).to_have_attribute("data-hidden", "8")
    text = "the teacher was late"
    start_pass(page, text)
    x, trace = engine_trace(page, live_server, text)
    T = len(x)
    for pos in range(1, T + 1):  # up to the first backward frame, k = T
        click_and_wait(page, "Step forward", pos)
    formula = page.locator("#formula")
    expect(formula.locator(".chain-head")).to_have_text(["Layer 2", "Layer 1"])
    line4 = formula.locator(".formula-line").filter(has_text="式4")
    expect(line4).to_have_count(1)
    expected = trace.chains["1"].delta_up[T - 1, :4]  # 式4 at k = T
    numbers = line4.locator("mn").all_text_contents()
    assert len(numbers) == len(expected)
    for shown, value in zip(numbers, expected, strict=True):  # as printed, to its last digit
        printed, half_unit = parse_number(shown)
        assert abs(printed - value) <= half_unit, (shown, value)
    assert "U⁽²⁾" in line4.inner_text()
    watch.assert_clean()


def test_the_forward_formula_writes_s_t_minus_1_in_equation_2(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    start_pass(page, "the teacher was late")
    lines = page.locator("#formula .formula-line")
    equation2 = lines.filter(has_text="式2").locator("math").text_content()
    assert "Wst−1" in equation2.replace(" ", "")  # net_t = U x_t + W s_{t−1} (+ b)
    assert "st−1=" in lines.nth(1).locator("math").text_content().replace(" ", "")
    watch.assert_clean()
