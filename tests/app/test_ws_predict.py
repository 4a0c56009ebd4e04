"""predict over the WebSocket: tokens, top-k of the RNN and the n-grams, states, blanks —
every number equal to the engine's own for the same weights."""

import numpy as np
import pytest

from app.models import read_model, read_sentences
from rnn_core.ngram import NGramLM
from rnn_core.text import training_pair_ids
from tests.app.wsutil import np_list


def test_hello_comes_first_with_token_model_models_and_limits(ws):
    hello = ws.hello
    assert hello["type"] == "hello" and hello["seq"] == 0 and hello["re"] is None
    assert len(hello["session"]) >= 32 and hello["resumed"] is False
    assert hello["model"]["name"] == "en-lm" and hello["model"]["hidden_size"] == 8
    assert hello["model"]["chains"] == ["1"]
    assert sorted(m["name"] for m in hello["models"]) == ["en-blank", "en-deep", "en-lm", "zh-lm"]
    kinds = {m["name"]: m["kind"] for m in hello["models"]}
    assert kinds["en-blank"] == "blank" and kinds["en-deep"] == "deep"
    assert hello["limits"]["max_tokens"] == 64 and hello["limits"]["max_hidden"] == 512


def test_predict_equals_the_engine_forward_pass_and_the_ngrams(ws, world):
    text = "my phone is broken , i will buy"
    frame = ws.ask({"type": "predict", "text": text, "top_k": 4})
    assert frame["type"] == "predict" and frame["model"] == "en-lm"
    lm = read_model(world.models_dir / "en-lm.npz", "en")
    tokens = ["my", "phone", "is", "broken", ",", "i", "will", "buy"]
    assert frame["tokens"] == tokens
    assert frame["inputs"] == ["<s>", *tokens] and frame["labels"] == [*tokens, "</s>"]
    x, y = training_pair_ids(tokens, lm.vocab)
    o, states = lm.model.forward(x)  # (T+1, V)
    sentences = [lm.vocab.encode(s) for s in read_sentences(world.data_dir / "en/train.txt", "en")]
    bigram = NGramLM(len(lm.vocab), 2).fit(sentences).distributions(x)
    trigram = NGramLM(len(lm.vocab), 3).fit(sentences).distributions(x)
    loss_t = lm.model.trace(x, y).loss_t  # (T+1,)
    assert len(frame["positions"]) == len(tokens) + 1
    for t, pos in enumerate(frame["positions"]):
        ids = [g["id"] for g in pos["rnn"]]
        assert ids == np.argsort(-o[t], kind="stable")[:4].tolist()
        assert [g["p"] for g in pos["rnn"]] == o[t, ids].tolist()
        assert pos["bigram"][0]["p"] == bigram[t].max()
        assert pos["trigram"][0]["p"] == trigram[t].max()
        assert pos["next"]["id"] == y[t] and pos["next_p"]["rnn"] == o[t, y[t]]
        assert pos["next_p"]["trigram"] == trigram[t, y[t]]
        assert pos["loss"] == pytest.approx(loss_t[t], rel=1e-6)  # the engine's −log o_t[y_t]
        assert pos["sentence_p"] == pytest.approx(np.exp(-loss_t[: t + 1].sum()), rel=1e-6)
        # o_t − y_t: the label's o_t − 1 first, then the top guesses that are not the label
        others = [j for j in ids if j != y[t]][:4]
        assert [e["id"] for e in pos["error"]] == [y[t], *others]
        assert [e["value"] for e in pos["error"]] == pytest.approx(
            [o[t, y[t]] - 1.0, *o[t, others]], abs=1e-7
        )
        assert pos["context"]["rnn"] == {"start": 0, "end": t}
        assert pos["context"]["bigram"] == {"start": max(t - 1, 0), "end": t}
        assert pos["context"]["trigram"] == {"start": max(t - 2, 0), "end": t}
    np.testing.assert_array_equal(np_list(frame["states"]["1"]), states["1"])
    assert frame["full"] is None and frame["nonfinite"] is False
    # the sentence's mean cross-entropy (the Per-token loss lab's line) is the engine's loss
    assert frame["loss"] == pytest.approx(lm.model.trace(x, y).loss, rel=1e-6)
    assert frame["perplexity"] == pytest.approx(np.exp(frame["loss"]), rel=1e-12)


def test_predict_full_sends_every_distribution(ws, world):
    frame = ws.ask({"type": "predict", "text": "we like apples .", "full": True})
    full = np_list(frame["full"])
    assert full.shape == (5, frame_vocab(ws))
    np.testing.assert_allclose(full.sum(axis=1), 1.0, rtol=1e-12)


def frame_vocab(ws) -> int:
    return ws.hello["model"]["vocab_size"]


def test_unknown_words_are_flagged(ws):
    frame = ws.ask({"type": "predict", "text": "my zebra is broken"})
    assert frame["unknown"] == [False, True, False, False]
    assert frame["ids"][1] == 1


def test_chinese_text_is_segmented_and_read_by_the_chinese_model(ws):
    frame = ws.ask({"type": "predict", "text": "我昨天上学迟到了，老师批评了"})
    assert frame["model"] == "zh-lm" and frame["language"] == "zh"
    assert frame["tokens"] == ["我", "昨天", "上学", "迟到", "了", "，", "老师", "批评", "了"]


def test_blank_is_filled_by_the_bidirectional_model_beside_a_left_only_guess(ws, world):
    text = "my phone is broken , i will ____ a new phone ."
    frame = ws.ask({"type": "predict", "text": text, "model": "en-blank", "full": True})
    blank = frame["blank"]
    assert frame["positions"] == [] and blank["index"] == 7
    lm = read_model(world.models_dir / "en-blank.npz", "en")
    o, states = lm.model.forward(lm.vocab.encode(frame["inputs"]))  # (T+2, V)
    assert frame["inputs"][8] == "<blank>"
    np.testing.assert_array_equal(np.array(blank["full"]), o[8])
    assert blank["rnn"][0]["p"] == o[8].max()
    assert set(frame["states"]) == {"1", "1'"}
    left = read_model(world.models_dir / "en-lm.npz", "en")
    o_left, _ = left.model.forward(left.vocab.encode(["<s>", *frame["tokens"][:7]]))
    assert blank["left_only_model"] == "en-lm"
    assert blank["left_only"][0]["p"] == o_left[-1].max()


def test_bidirectional_model_without_a_blank_is_an_error(ws):
    frame = ws.ask({"type": "predict", "text": "my phone is broken", "model": "en-blank"})
    assert frame["type"] == "error" and frame["code"] == "no_blank"


def test_too_many_tokens_and_empty_text_are_errors_and_the_session_goes_on(ws):
    long = ws.ask({"type": "predict", "text": " ".join(["me"] * 65)})
    assert long["code"] == "too_long"
    empty = ws.ask({"type": "predict", "text": "   "})
    assert empty["code"] == "empty"
    unknown = ws.ask({"type": "predict", "text": "hi", "model": "nope"})
    assert unknown["code"] == "unknown_model"
    ok = ws.ask({"type": "predict", "text": "we like apples"})
    assert ok["type"] == "predict"


def test_a_sentence_over_the_limit_says_its_numbers_and_can_be_cut(ws):
    long = " ".join(["we like apples ."] * 20)  # 80 tokens
    refused = ws.ask({"type": "predict", "text": long})
    assert refused["code"] == "too_long" and refused["params"] == {
        "tokens": 80,
        "limit": 64,
        "unit": "word",
    }
    cut = ws.ask({"type": "predict", "text": long, "cut": True})
    assert cut["type"] == "predict" and len(cut["tokens"]) == 64
    start = ws.ask({"type": "bptt", "text": long, "cut": True}, until="bptt_start")
    assert start["T"] == 65  # <s> and the first 64 tokens


def test_a_blank_model_needs_exactly_one_blank(ws):
    two = ws.ask({"type": "predict", "model": "en-blank", "text": "i ___ a new ____ ."})
    assert two["code"] == "no_blank" and two["params"] == {"blanks": 2}
    none = ws.ask({"type": "predict", "model": "en-blank", "text": "i buy a new phone ."})
    assert none["code"] == "no_blank" and none["params"] == {"blanks": 0}
    three = ws.ask({"type": "predict", "model": "en-blank", "text": "i ___ a new phone ."})
    assert three["type"] == "predict" and three["blank"]["index"] == 1


def test_hide_unk_leaves_unk_out_of_every_top_list_and_keeps_the_probabilities(ws):
    text = "we like zyzzyva qwxq ."  # unknown words: <unk> is likely among the top words after them
    plain = ws.ask({"type": "predict", "text": text, "top_k": 50})
    hidden = ws.ask({"type": "predict", "text": text, "top_k": 50, "hide_unk": True})
    assert any(g["word"] == "<unk>" for p in plain["positions"] for g in p["rnn"])
    for before, after in zip(plain["positions"], hidden["positions"], strict=True):
        for source in ("rnn", "bigram", "trigram"):
            assert all(g["word"] != "<unk>" for g in after[source])
            kept = [g for g in before[source] if g["word"] != "<unk>"]
            # the same probabilities in the same order (words of equal p may swap places)
            assert [g["p"] for g in after[source][: len(kept)]] == [g["p"] for g in kept]
        assert after["next"] == before["next"]
