"""Training lab: a fresh model trains on the built-in corpus and its loss falls; one SGD step."""

import json
import re
import time
from urllib.request import Request, urlopen

from playwright.sync_api import expect

import rnn_core
from tests.e2e.test_lab_helpers import open_lab


def fresh_small_model(lab, optimizer: str = "sgd", lr: str = "0.5") -> None:
    """A fresh 8-unit model that trains as fast as the server can."""
    lab.get_by_label("Hidden size").fill("8")
    lab.get_by_label("Optimizer").select_option(optimizer)
    lab.get_by_label("Learning rate").fill(lr)
    lab.get_by_label("Speed").select_option("fast")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("New untrained model: hidden 8")


def test_a_fresh_model_with_the_defaults_trains_watchably_and_beats_the_2_gram(
    watched_page, live_server
):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    assert lab.get_by_label("Optimizer").input_value() == "adam"
    assert lab.get_by_label("Learning rate").input_value() == "0.01"
    assert lab.get_by_label("Speed").input_value() == "watch"
    lab.get_by_label("Hidden size").fill("16")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("New untrained model: hidden 16")
    started = time.monotonic()
    lab.get_by_role("button", name="Start").click()
    step = lab.get_by_role("button", name="One SGD step on this sentence")
    expect(step).to_be_disabled()  # it would change the weights mid-run
    expect(lab.get_by_role("button", name="New model with these settings")).to_be_disabled()
    status = lab.locator(".lab-status")
    expect(status).to_contain_text("Done (finished)", timeout=120_000)
    assert time.monotonic() - started >= 10  # watchable: at least 20 s at this speed
    expect(step).to_be_enabled()
    assert status.get_attribute("data-worse") == "false"
    text = status.inner_text()
    valid = float(re.search(r"valid ([\d.]+)", text).group(1))
    bigram = float(re.search(r"2-gram ([\d.]+)", text).group(1))
    assert valid < bigram
    # the counters agree: the stats line ends where the done line says
    steps = re.search(r"after (\d+) steps", text).group(1)
    assert lab.locator(".train-stats").get_attribute("data-step") == steps
    assert f"step {steps} " in lab.locator(".train-stats").inner_text()
    points = page.evaluate("document.querySelector('#labs .train-chart').data[0].x.length")
    assert points >= 50
    watch.assert_clean()


def test_a_run_that_ends_worse_than_the_2_gram_says_what_to_change(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    fresh_small_model(lab, optimizer="sgd", lr="0.01")  # plain SGD, small η: barely learns
    lab.get_by_role("button", name="Start").click()
    status = lab.locator(".lab-status")
    expect(status).to_contain_text("Done (finished)", timeout=120_000)
    assert status.get_attribute("data-worse") == "true"
    expect(status).to_contain_text("worse than the 2-gram")
    expect(status).to_contain_text("Adam")
    watch.assert_clean()


def test_after_training_the_loss_shown_has_fallen(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    fresh_small_model(lab)
    lab.get_by_label("Epochs").fill("1")
    lab.get_by_role("button", name="Start").click()
    expect(lab.locator(".lab-status")).to_contain_text("Done (finished)", timeout=60_000)
    expect(lab.locator(".train-chart.js-plotly-plot")).to_be_visible()  # Plotly.js loads lazily
    losses = page.evaluate("document.querySelector('#labs .train-chart').data[0].y")
    assert len(losses) >= 3
    assert losses[-1] < losses[0] - 0.5
    assert float(lab.locator(".train-stats").get_attribute("data-loss")) == losses[-1]
    assert lab.locator(".train-progress").evaluate("p => p.value") > 0.9
    assert "tokens/s" in lab.locator(".train-stats").inner_text()
    assert lab.locator(".grad-norms .norm-row").count() == 5  # U1 W1 b1 V c
    assert lab.locator(".train-sample .sample-col").count() > 3
    # the live sample line: words of the model's vocabulary, the specials never drawn
    writes = lab.locator(".train-writes")
    expect(writes).to_be_visible()
    assert "The model writes:" in writes.inner_text()
    assert not re.search(r"<unk>|<s>|<pad>|<blank>", writes.get_attribute("data-text"))
    watch.assert_clean()


def test_pause_resume_and_stop_drive_the_server(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    fresh_small_model(lab)
    lab.get_by_label("Epochs").fill("50")
    lab.get_by_role("button", name="Start").click()
    expect(lab.locator(".train-stats")).to_have_attribute("data-step", re.compile("."))
    lab.get_by_role("button", name="Pause").click()
    expect(lab.locator(".lab-status")).to_have_text("Paused.")
    lab.get_by_role("button", name="Resume").click()
    expect(lab.locator(".lab-status")).to_have_text("Training…")
    lab.get_by_role("button", name="Stop").click()
    expect(lab.locator(".lab-status")).to_contain_text("Done (stopped)")
    expect(lab.get_by_role("button", name="Start")).to_be_enabled()
    watch.assert_clean()


def test_one_sgd_step_lowers_the_loss_and_shows_w_before_and_after(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    fresh_small_model(lab)
    lab.get_by_role("button", name="One SGD step on this sentence").click()
    title = lab.locator(".sgd-step h3")
    expect(title).to_contain_text("W ← W − η∇W")
    assert float(title.get_attribute("data-loss-after")) < float(
        title.get_attribute("data-loss-before")
    )
    assert lab.locator(".sgd-step tr").count() == 1 + 5
    expect(lab.locator(".heatmaps[data-weight='W1'] .heatmap")).to_have_count(3)
    watch.assert_clean()


def test_a_run_started_by_an_http_corpus_upload_is_drawn(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    token = page.locator("body").get_attribute("data-session")
    lines = ["the cat sat on the mat .", "a dog ran in the park .", "the bird sang a song ."]
    request = Request(
        f"{live_server}/api/sessions/{token}/corpus?start=true",
        data="\n".join(lines * 20).encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["training"] is True
    expect(lab.locator(".train-stats")).to_have_attribute("data-step", re.compile("."))
    expect(lab.locator(".lab-status")).to_contain_text("Done (finished)", timeout=60_000)
    expect(lab.locator(".train-chart.js-plotly-plot")).to_be_visible()  # Plotly.js loads lazily
    losses = page.evaluate("document.querySelector('#labs .train-chart').data[0].y")
    assert len(losses) >= 1
    assert float(lab.locator(".train-stats").get_attribute("data-loss")) == losses[-1]
    expect(lab.get_by_role("button", name="Start")).to_be_enabled()
    watch.assert_clean()


def test_the_menus_list_the_engines_choices(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    choices = rnn_core.options()
    for name, key in (("Activation f", "activations"), ("Optimizer", "optimizers")):
        values = lab.get_by_label(name).locator("option").evaluate_all("os => os.map(o => o.value)")
        assert values == choices[key]
    watch.assert_clean()


def test_a_new_bidirectional_model_offers_a_blank_instead_of_an_empty_page(
    watched_page, live_server
):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    lab.get_by_label("Hidden size").fill("8")
    lab.get_by_label("Bidirectional").check()
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("bidirectional")
    problem = page.locator("#problem")
    expect(problem).to_contain_text("This model fills a blank")
    problem.get_by_role("button", name="Put a ____ at the end").click()
    expect(problem).to_be_hidden()
    expect(page.get_by_role("textbox", name="Sentence")).to_have_value(re.compile(r" ____$"))
    expect(page.locator("#predictions figure.bars")).to_have_count(2)  # the blank, left-only
    expect(page.locator("#network svg")).to_have_count(1)
    watch.assert_clean()


def test_the_gradient_flow_of_six_chains_keeps_a_legible_plot(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Training")
    lab.get_by_label("Hidden size").fill("8")
    lab.get_by_label("Layers").fill("3")
    lab.get_by_label("Bidirectional").check()
    lab.get_by_role("button", name="New model with these settings").click()
    page.locator("#problem").get_by_role("button", name="Put a ____ at the end").click()
    expect(page.locator("#bptt")).to_have_attribute("data-pos", "0")
    T = int(page.locator("#network svg").get_attribute("data-columns"))
    forward = page.get_by_role("region", name="BPTT").get_by_role("button", name="Step forward")
    for pos in range(1, T + 3):  # into the backward pass
        forward.click()
        expect(page.locator("#bptt")).to_have_attribute("data-pos", str(pos))
    expect(page.locator("#gradflow .export-bar")).to_be_visible()  # the chart is drawn
    plot = page.locator("#gradflow .chart .nsewdrag").first.bounding_box()
    assert plot["height"] >= 150  # six chains' legend rows did not squash it (it was ~70 px)
    watch.assert_clean()
