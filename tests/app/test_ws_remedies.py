"""The Remedies lab's `remedies` message: the tanh RNN, the ReLU RNN (the built-in LM), the LSTM
and the GRU read one sentence; every number is the engine's, and bad requests change nothing."""

import numpy as np
import pytest

from rnn_core.io import load
from rnn_core.remedies import long_range_accuracy, read_long_range_cases, remedy_view
from rnn_core.text import Vocab, tokenize

SENTENCE = "i was late for school yesterday , the teacher criticised me ."


def test_the_four_remedies_read_the_sentence_with_the_engines_numbers(ws, world):
    frame = ws.ask({"type": "remedies", "text": SENTENCE})
    assert frame["type"] == "remedies" and frame["language"] == "en"
    assert [m["role"] for m in frame["models"]] == ["tanh", "relu", "lstm", "gru"]
    tokens = tokenize(SENTENCE, "en")
    assert frame["tokens"] == tokens and frame["inputs"] == ["<s>", *tokens]
    assert frame["t"] == len(tokens) - 1 and frame["label"] == "."
    files = {
        "tanh": world.models_dir / "remedies" / "en-tanh.npz",
        "relu": world.models_dir / "en-lm.npz",
        "lstm": world.models_dir / "remedies" / "en-lstm.npz",
        "gru": world.models_dir / "remedies" / "en-gru.npz",
    }
    cases = read_long_range_cases(world.data_dir / "long_range_novel.tsv", "en")
    for shown in frame["models"]:
        ck = load(files[shown["role"]])
        vocab = Vocab.from_list(ck.vocab)
        view = remedy_view(ck.model, vocab, tokens)
        assert shown["cell"] == ck.model.config.cell
        np.testing.assert_allclose(shown["strip"], view.strip, rtol=1e-12)
        assert shown["reach"] == pytest.approx(view.reach, rel=1e-12)
        assert shown["verdict"] == view.verdict
        assert shown["p_label"] == pytest.approx(view.p_label, rel=1e-12)
        accuracy, bins = long_range_accuracy(ck.model, vocab, cases)
        assert shown["accuracy"] == accuracy
        assert [(b["lo"], b["hi"], b["accuracy"], b["cases"]) for b in shown["by_distance"]] == bins
        assert shown["strip"][-1] == 0  # nothing after t reaches back to a forward chain


def test_a_chosen_position_and_the_other_language(ws):
    frame = ws.ask({"type": "remedies", "text": SENTENCE, "t": 3})
    assert frame["t"] == 3 and frame["label"] == frame["tokens"][3]
    assert all(m["strip"][4] == 0 and m["strip"][3] > 0 for m in frame["models"])
    zh = ws.ask({"type": "remedies", "text": "我 昨天 上学 迟到 了 ， 老师 批评 了 我 。"})
    assert [m["role"] for m in zh["models"]] == ["relu"]  # only zh-lm is in the tiny world


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"text": "me"}, "too_short"),
        ({"text": "my phone is ____ ."}, "blank_prompt"),
        ({"text": SENTENCE, "t": 40}, "invalid"),
        ({"text": SENTENCE, "t": 0}, "bad_message"),
        ({"text": ""}, "bad_message"),
    ],
)
def test_bad_requests_are_refused_with_a_code(ws, message, code):
    answer = ws.ask({"type": "remedies", **message})
    assert answer["type"] == "error" and answer["code"] == code


def test_a_remedy_model_loads_as_the_sessions_model_and_reads_the_other_language_in_kind(ws):
    """The lab's shipped models are not in the built-in list, but `configure` loads one (to step
    through a trained LSTM's BPTT on the page); a sentence in the other language is read by the
    same remedy in that language, else by that language's built-in LM (tests/e2e: zh-lstm)."""
    names = {m["name"] for m in ws.hello["models"]}
    assert not names & {"en-tanh", "en-lstm", "en-gru"}
    configured = ws.ask({"type": "configure", "model": "en-lstm"})
    assert configured["model"]["name"] == "en-lstm" and configured["model"]["cell"] == "lstm"
    answer = ws.ask({"type": "predict", "text": "we like apples ."})
    assert answer["model"] == "en-lstm" and list(answer["inside"]["1"])[-1] == "c"
    other = ws.ask({"type": "predict", "text": "我们 喜欢 苹果 。"})
    assert other["language"] == "zh" and other["model"] == "zh-lm"  # this world has no zh-lstm
