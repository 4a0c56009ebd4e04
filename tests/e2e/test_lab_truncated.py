"""Truncated BPTT lab: the dropped δ terms and the distance to the full gradient."""

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from rnn_core import io as model_io
from rnn_core.text import Vocab, tokenize, training_pair_ids
from tests.e2e.test_lab_helpers import ask, open_lab

ROOT = Path(__file__).resolve().parents[2]

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


def engine_reach(j: int, k: int) -> np.ndarray:
    """Which δ_t (t = 1…T) the error of output j alone reaches under truncate=k: the engine's
    trace of the sentence with every other target unscored. (T,) bool."""
    checkpoint = model_io.load(ROOT / "models" / "en-lm.npz")
    x, y = training_pair_ids(tokenize(SENTENCE), Vocab.from_list(checkpoint.vocab))
    only_j = np.full_like(y, -100)
    only_j[j - 1] = y[j - 1]
    return checkpoint.model.trace(x, only_j, truncate=k).chains["1"].delta_norm > 0


def arrow_steps(network, kind: str) -> set[int]:
    """data-t of the δ arrows of one kind (kept, dropped, other): δ_t flows on to t − 1."""
    return {
        int(t)
        for t in network.locator(f"line.delta-arrow.reach-{kind}").evaluate_all(
            "(lines) => lines.map((line) => line.dataset.t)"
        )
    }


def test_the_labs_network_greys_the_delta_arrows_truncation_drops(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Truncated BPTT", SENTENCE)
    expect(lab.locator(".gap-line")).to_contain_text("k = 3")
    network = lab.get_by_role("img", name="Truncated BPTT network")
    T = int(network.get_attribute("data-columns"))
    for j in (T, 7):
        lab.get_by_label("Error entering at o_j").fill(str(j))
        expect(lab.locator(".tr-caption")).to_have_attribute("data-from", str(j))
        reached = engine_reach(j, 3)  # (T,) δ_t ≠ 0 for the error of o_j alone
        assert reached.sum() == 3 and reached[j - 1]
        # the arrow δ_t → δ_{t−1} (t = 2…j) carries o_j's error iff the engine's δ_{t−1} gets it
        assert arrow_steps(network, "kept") == {t for t in range(2, j + 1) if reached[t - 2]}
        assert arrow_steps(network, "dropped") == {t for t in range(2, j + 1) if not reached[t - 2]}
        assert arrow_steps(network, "other") == set(range(j + 1, T + 1))
    lab.get_by_label("Truncate at k").fill("40")
    lab.get_by_role("button", name="Compare").click()
    expect(lab.locator(".gap-line")).to_contain_text("nothing is dropped")
    expect(network.locator("line.delta-arrow.reach-dropped")).to_have_count(0)
    watch.assert_clean()
