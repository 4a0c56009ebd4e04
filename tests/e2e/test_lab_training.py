"""Training lab: a fresh model trains on the built-in corpus and its loss falls; one SGD step."""

import json
import re
from urllib.request import Request, urlopen

from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import open_lab


def fresh_small_model(lab) -> None:
    lab.get_by_label("Hidden size").fill("8")
    lab.get_by_label("Learning rate").fill("0.5")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("New untrained model: hidden 8")


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
