"""Character models on the server: a fresh one reads the built-in corpus one character per
token, an uploaded corpus can be read in characters, and every view (predict, bptt, generate,
training, the model file) keeps the unit."""

import io

import numpy as np

from app.models import read_model
from rnn_core.io import load
from rnn_core.ngram import NGramLM
from rnn_core.text import SPACE, Vocab, tokenize
from tests.app.wsutil import EN

SENTENCE = "my phone is broken"


def _char_vocab() -> Vocab:
    return Vocab.build([tokenize(line, "en", unit="char") for line in EN], min_count=2)


def test_a_fresh_character_model_reads_one_column_per_character(ws):
    configured = ws.ask({"type": "configure", "unit": "char", "hidden_size": 6, "seed": 3})
    info = configured["model"]
    assert info["unit"] == "char" and info["language"] == "en"
    vocab = _char_vocab()
    assert info["vocab_size"] == len(vocab)
    assert set(ws.ask({"type": "vocab", "limit": 500})["words"]) == set(vocab.to_list())
    pred = ws.ask({"type": "predict", "text": SENTENCE})
    chars = tokenize(SENTENCE, "en", unit="char")
    assert chars[2] == SPACE and len(chars) == len(SENTENCE)
    assert pred["tokens"] == chars
    assert len(pred["positions"]) == len(chars) + 1  # <s> and every character
    # the baselines are n-grams of characters of the same corpus
    ids = [vocab.encode(tokenize(line, "en", unit="char")) for line in EN]
    trigram = NGramLM(len(vocab), 3).fit(ids)
    x = vocab.encode(["<s>", *chars])
    expected = trigram.distributions(x)[np.arange(len(chars)), vocab.encode(chars)]
    got = [p["next_p"]["trigram"] for p in pred["positions"][: len(chars)]]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_bptt_and_generation_of_a_character_model(ws):
    ws.ask({"type": "configure", "unit": "char", "hidden_size": 4})
    start = ws.ask({"type": "bptt", "text": "a new phone"}, until="bptt_start")
    assert start["tokens"][:3] == ["a", SPACE, "n"] and start["T"] == len("a new phone") + 1
    frame = ws.ask({"type": "generate", "text": "my", "length": 20, "seed": 1})
    assert frame["type"] == "generate" and frame["prompt_text"] == "my"
    words = [d["word"] for d in frame["words"]]
    assert all(len(w) == 1 or w.startswith("<") for w in words)
    assert SPACE not in frame["text"]  # written back with real spaces


def test_a_character_model_trains_on_the_built_in_corpus_and_keeps_its_unit(ws):
    ws.ask({"type": "configure", "unit": "char", "hidden_size": 8})
    ws.ask({"type": "train", "action": "start", "epochs": 3, "batch_size": 4})
    while (frame := ws.recv())["type"] != "train_done":
        assert frame["type"] != "error", frame
    assert frame["reason"] == "finished" and frame["model"]["unit"] == "char"
    assert frame["steps"] == 3 * 3  # 10 lines in batches of 4
    assert frame["trigram_valid_perplexity"] > 1


def test_an_uploaded_corpus_read_in_characters_and_the_model_file_round_trip(client, ws):
    text = "\n".join(["the cat sat on the mat .", "the dog sat on the log ."] * 10)
    url = f"/api/sessions/{ws.token}/corpus?start=true&unit=char"
    summary = client.post(url, content=text.encode()).json()
    assert summary["unit"] == "char" and summary["training"] is True
    assert summary["tokens"] == 20 * len("the cat sat on the mat .")
    letters = set("the cat sat on mat . dog log".replace(" ", "")) | {SPACE}
    assert summary["vocab_size"] == 5 + len(letters)
    while (frame := ws.recv())["type"] != "train_done":
        assert frame["type"] != "error", frame
    assert frame["model"]["unit"] == "char" and frame["model"]["origin"] == "trained"
    pred = ws.ask({"type": "predict", "text": "the cat"})
    assert pred["tokens"] == ["t", "h", "e", SPACE, "c", "a", "t"]
    assert pred["unknown"] == [False] * 7
    data = client.get(f"/api/sessions/{ws.token}/model").content
    checkpoint = load(io.BytesIO(data))
    assert checkpoint.extra["unit"] == "char"
    up = client.post(f"/api/sessions/{ws.token}/model", files={"file": ("m.npz", data)})
    assert up.status_code == 200 and ws.recv()["model"]["unit"] == "char"
    again = ws.ask({"type": "predict", "text": "the cat"})
    assert [p["next_p"]["rnn"] for p in again["positions"]] == [
        p["next_p"]["rnn"] for p in pred["positions"]
    ]


def test_word_is_the_unit_of_a_file_that_names_none(world, ws):
    assert read_model(world.models_dir / "en-lm.npz", "en").unit == "word"
    assert ws.hello["model"]["unit"] == "word"
    refused = ws.ask({"type": "configure", "unit": "syllable"})
    assert refused["type"] == "error" and refused["code"] == "bad_message"
    assert ws.ask({"type": "predict", "text": SENTENCE})["tokens"] == SENTENCE.split()
