"""Generate lab: the page's sentence continued word by word; every word and both of its
probabilities shown are the ones the engine draws with the same model, seed and options."""

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from rnn_core import continuation, load
from rnn_core.text import Vocab, tokenize
from tests.e2e.test_lab_helpers import open_lab

MODELS = Path(__file__).resolve().parents[2] / "models"


def engine_draws(name: str, prompt: str, lang: str, seed: int, temperature: float, top_k):
    checkpoint = load(MODELS / f"{name}.npz")
    vocab = Vocab(checkpoint.vocab)
    draws = continuation(
        checkpoint.model,
        vocab,
        tokenize(prompt, lang),
        30,
        np.random.default_rng(seed),
        temperature,
        top_k,
    )
    return [(vocab.word(d.id), d.p, d.p_model) for d in draws]


def shown_draws(lab):
    words = lab.locator(".gen-word")
    return [
        (
            w.get_attribute("data-word"),
            float(w.get_attribute("data-p")),
            float(w.get_attribute("data-p-model")),
        )
        for w in words.all()
    ]


def generate(lab, seed: int, temperature: float, top_k: str):
    lab.get_by_role("spinbutton", name="Seed").fill(str(seed))
    lab.get_by_role("spinbutton", name="Temperature").fill(str(temperature))
    lab.get_by_role("spinbutton", name="Top-k").fill(top_k)
    click_generate(lab)
    expect(lab.locator(".lab-status")).to_have_attribute("data-kind", "")


def click_generate(lab):
    """Click Generate and wait for the answer (a first Chinese sentence waits for the n-grams
    the server fits at start-up)."""
    body = lab.locator(".lab-body")
    before = int(body.get_attribute("data-answers") or 0)
    lab.locator(".lab-button.primary").click()
    expect(body).to_have_attribute("data-answers", str(before + 1), timeout=60_000)


@pytest.mark.parametrize(
    ("sentence", "lang", "model"),
    [("my phone is broken , so", "en", "en-lm"), ("我的手机坏了，", "zh", "zh-lm")],
)
def test_the_page_sentence_is_continued_as_the_engine_draws(
    watched_page, live_server, sentence, lang, model
):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Generate", sentence)
    prompt = lab.get_by_role("textbox", name="Prompt")
    expect(prompt).to_have_value(sentence)
    generate(lab, 5, 0.8, "10")
    expected = engine_draws(model, sentence, lang, 5, 0.8, 10)
    shown = shown_draws(lab)
    assert [w for w, _, _ in shown] == [w for w, _, _ in expected]
    for (_, p, p_model), (_, q, q_model) in zip(shown, expected, strict=True):
        assert p == pytest.approx(q, rel=1e-6) and p_model == pytest.approx(q_model, rel=1e-6)
    text = lab.locator(".gen-text")
    assert text.get_attribute("data-text").replace(" ", "").startswith(sentence.replace(" ", ""))
    assert "<unk>" not in [w for w, _, _ in shown]
    watch.assert_clean()


def test_the_same_seed_gives_the_same_text_and_an_empty_seed_a_new_one(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Generate", "i was late for school")
    generate(lab, 3, 1.0, "")
    first = lab.locator(".gen-text").get_attribute("data-text")
    generate(lab, 3, 1.0, "")
    assert lab.locator(".gen-text").get_attribute("data-text") == first
    lab.get_by_role("spinbutton", name="Seed").fill("")
    click_generate(lab)
    assert lab.locator(".lab-body").get_attribute("data-seed") != "3"
    watch.assert_clean()


def test_a_blank_in_the_prompt_is_refused_in_the_learners_language(watched_page, live_server):
    page, watch = watched_page
    lab = open_lab(page, live_server, "Generate", "my phone is broken")
    lab.get_by_role("checkbox", name="use the page's sentence").uncheck()
    lab.get_by_role("textbox", name="Prompt").fill("my ____ is")
    click_generate(lab)
    expect(lab.locator(".lab-status")).to_have_text(
        "A prompt to continue cannot hold a blank (____)."
    )
    page.get_by_role("button", name="中文").click()
    click_generate(lab)
    expect(lab.locator(".lab-status")).to_have_text("要续写的开头里不能有空格 ____。")
    assert lab.locator(".gen-word").count() == 0
    watch.assert_clean()
