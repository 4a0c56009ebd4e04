"""generate over the WebSocket: every drawn word and both of its probabilities equal the
engine's for the same weights, seed and options; bad prompts and sizes are refused."""

import numpy as np
import pytest

from app.models import read_model
from rnn_core.generate import adjust_distribution, not_drawn
from rnn_core.text import BOS_ID, EOS, join_tokens


def test_each_drawn_word_and_its_probabilities_are_the_engines(ws, world):
    frame = ws.ask({"type": "generate", "text": "my phone is", "seed": 7, "top_k": 5})
    assert frame["type"] == "generate" and frame["model"] == "en-lm" and frame["seed"] == 7
    assert frame["prompt"] == ["my", "phone", "is"] and 1 <= len(frame["words"]) <= 30
    lm = read_model(world.models_dir / "en-lm.npz", "en")
    ids = [BOS_ID, *lm.vocab.encode(frame["prompt"]).tolist()]
    rng = np.random.default_rng(7)
    for w in frame["words"]:
        o = lm.model.forward(np.array(ids))[0][-1]  # (V,)
        p = adjust_distribution(o, 1.0, 5, not_drawn())
        assert w["id"] == rng.choice(p.size, p=p) and w["word"] == lm.vocab.word(w["id"])
        assert w["p_model"] == pytest.approx(o[w["id"]], rel=1e-6)
        assert w["p"] == pytest.approx(p[w["id"]], rel=1e-6)
        ids.append(w["id"])
    assert frame["ended"] == (frame["words"][-1]["word"] == EOS)
    words = [w["word"] for w in frame["words"] if w["word"] != EOS]
    assert frame["text"] == join_tokens(["my", "phone", "is", *words], "en")
    assert frame["prompt_text"] == "my phone is" and frame["text"].startswith("my phone is")


def test_the_same_seed_draws_the_same_words_and_none_draws_a_new_one(ws):
    ask = {"type": "generate", "seed": 11, "length": 10}
    assert ws.ask(ask)["words"] == ws.ask(ask)["words"]
    fresh = ws.ask({"type": "generate"})
    assert 0 <= fresh["seed"] < 2**32 and fresh["prompt"] == []


def test_unk_and_special_tokens_are_never_drawn_unless_unk_is_allowed(ws):
    hot = {"type": "generate", "temperature": 5.0, "length": 64}
    words = [w["word"] for s in range(8) for w in ws.ask({**hot, "seed": s})["words"]]
    assert not {"<unk>", "<pad>", "<s>", "<blank>"} & set(words)
    allowed = [
        w["word"] for s in range(8) for w in ws.ask({**hot, "seed": s, "allow_unk": True})["words"]
    ]
    assert "<s>" not in allowed and "<pad>" not in allowed


def test_a_blank_filling_model_hands_generation_to_its_languages_lm(ws):
    ws.ask({"type": "configure", "model": "en-blank"}, until="configured")
    frame = ws.ask({"type": "generate", "text": "my phone", "seed": 1})
    assert frame["type"] == "generate" and frame["model"] == "en-lm"


@pytest.mark.parametrize(
    ("message", "code", "field"),
    [
        ({"text": "my ____ is broken"}, "blank_prompt", "text"),
        ({"length": 65}, "limit", "length"),
        ({"length": 0}, "bad_message", "length"),
        ({"temperature": 0}, "bad_message", "temperature"),
        ({"temperature": 6}, "bad_message", "temperature"),
        ({"top_k": 0}, "bad_message", "top_k"),
        ({"text": " ".join(["word"] * 65)}, "too_long", "text"),
        ({"text": "   "}, "empty", "text"),
    ],
)
def test_bad_requests_are_refused_and_the_session_goes_on(ws, message, code, field):
    frame = ws.ask({"type": "generate", **message})
    assert frame["type"] == "error" and frame["code"] == code and frame["field"] == field
    assert ws.ask({"type": "generate", "seed": 0})["type"] == "generate"


def test_a_long_prompt_can_be_cut_to_the_token_limit(ws):
    frame = ws.ask({"type": "generate", "text": " ".join(["we"] * 80), "cut": True, "seed": 0})
    assert frame["prompt"] == ["we"] * 64
