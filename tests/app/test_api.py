"""HTTP API: built-in models, model download/upload (numbers survive the round trip), corpus
upload with its checks, then training on it; OpenAPI offline."""

import io
import tracemalloc

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.models import read_model
from rnn_core import RNNLM
from rnn_core.corpus import MAX_CORPUS_BYTES
from rnn_core.io import load, save
from rnn_core.text import tokenize, training_pair_ids
from tests.app.wsutil import Frames, make_app, session, tiny_world

SENTENCE = "my phone is broken , i will buy a new phone ."


def test_built_in_models_are_listed(client):
    models = client.get("/api/models").json()
    assert {m["name"] for m in models} == {"en-lm", "en-blank", "en-deep", "zh-lm"}


def test_openapi_schema_is_served(client):
    schema = client.get("/openapi.json").json()
    assert "/api/sessions/{token}/corpus" in schema["paths"]


def test_downloaded_model_reproduces_the_session_numbers(client, ws, world):
    ws.ask({"type": "train", "action": "step", "text": SENTENCE})
    answer = client.get(f"/api/sessions/{ws.token}/model")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/octet-stream"
    checkpoint = load(io.BytesIO(answer.content))
    lm = read_model(world.models_dir / "en-lm.npz", "en")
    assert checkpoint.vocab == lm.vocab.to_list()
    assert checkpoint.extra["language"] == "en"
    x, y = training_pair_ids(SENTENCE.split(), lm.vocab)
    o, _ = checkpoint.model.forward(x)
    pred = ws.ask({"type": "predict", "text": SENTENCE})
    assert [p["next_p"]["rnn"] for p in pred["positions"]] == o[np.arange(len(y)), y].tolist()
    # uploaded into another session, it predicts the same numbers there
    with client.websocket_connect("/ws") as raw:
        other = Frames(raw)
        token = other.recv()["session"]
        up = client.post(f"/api/sessions/{token}/model", files={"file": ("m.npz", answer.content)})
        assert up.status_code == 200 and up.json()["origin"] == "uploaded"
        assert other.recv()["type"] == "configured"
        again = other.ask({"type": "predict", "text": SENTENCE})
        assert again["positions"] == pred["positions"]
        start = other.ask({"type": "bptt", "text": SENTENCE}, until="bptt_start")
        other.recv()
        totals = other.ask({"type": "step", "to": start["count"] - 1})
        assert totals["loss"] == checkpoint.model.trace(x, y).loss


def test_bad_model_files_are_refused(client, ws, tmp_path):
    url = f"/api/sessions/{ws.token}/model"
    junk = client.post(url, files={"file": ("m.npz", b"PK\x03\x04 not really")})
    assert junk.status_code == 422 and junk.json()["detail"]["code"] == "invalid"
    buffer = io.BytesIO()
    np.savez(buffer, a=np.array([object()], dtype=object))
    pickled = client.post(url, files={"file": ("m.npz", buffer.getvalue())})
    assert pickled.status_code == 422
    novocab = io.BytesIO()
    save(novocab, RNNLM(10, 4))
    assert client.post(url, files={"file": ("m.npz", novocab.getvalue())}).status_code == 422
    bomb = io.BytesIO()
    np.savez_compressed(bomb, zeros=np.zeros(9_000_000))  # 72 MB unpacked, 70 kB packed
    refused = client.post(url, files={"file": ("m.npz", bomb.getvalue())})
    assert refused.status_code == 413 and "unpacks" in refused.json()["detail"]["message"]
    assert client.post("/api/sessions/nope/model", content=b"x").status_code == 404
    assert ws.ask({"type": "predict", "text": "we like apples"})["model"] == "en-lm"


def test_a_file_that_is_not_a_zip_is_named_so_without_talk_of_pickle(client, ws):
    url = f"/api/sessions/{ws.token}/model"
    for data in (b"hello\n", b"", b"\x93NUMPY not an npz"):
        answer = client.post(url, files={"file": ("m.npz", data)})
        detail = answer.json()["detail"]
        assert answer.status_code == 422 and detail["code"] == "invalid"
        assert ".npz" in detail["message"] and "pickle" not in detail["message"]


def test_a_model_with_nan_or_inf_weights_is_refused_and_nothing_changes(client, ws, world):
    url = f"/api/sessions/{ws.token}/model"
    lm = read_model(world.models_dir / "en-lm.npz", "en")
    before = ws.ask({"type": "predict", "text": SENTENCE})
    for bad in (np.nan, np.inf):
        model = lm.model.copy()
        model.params["W1"][0, 0] = bad
        buffer = io.BytesIO()
        save(buffer, model, vocab=lm.vocab.to_list())
        answer = client.post(url, files={"file": ("m.npz", buffer.getvalue())})
        detail = answer.json()["detail"]
        assert answer.status_code == 422 and detail["code"] == "invalid"
        assert "W1" in detail["message"] and "finite" in detail["message"]
    assert ws.ask({"type": "predict", "text": SENTENCE})["positions"] == before["positions"]


@pytest.mark.parametrize("what", ["model", "corpus"])
def test_a_broken_multipart_upload_is_a_named_error_like_the_others(client, ws, what):
    url = f"/api/sessions/{ws.token}/{what}"
    for content_type in ("multipart/form-data; boundary=xyz", "multipart/form-data"):
        answer = client.post(url, content=b"garbage--xyz", headers={"content-type": content_type})
        assert answer.status_code == 400
        assert answer.json()["detail"]["code"] == "invalid"
        assert "multipart" in answer.json()["detail"]["message"]


def test_corpus_upload_checks_the_text(client, ws):
    url = f"/api/sessions/{ws.token}/corpus"
    binary = client.post(url, content=b"\x00\x01\x02binary")
    assert binary.status_code == 415 and "binary" in binary.json()["detail"]["message"]
    latin = client.post(url, content="café crème".encode("latin-1"))
    assert latin.status_code == 415 and "UTF-8" in latin.json()["detail"]["message"]
    empty = client.post(url, content=b"  \n\n ")
    assert empty.status_code == 422
    limit = client.app.state.service.settings.max_corpus_bytes
    assert limit == MAX_CORPUS_BYTES  # one corpus limit: the CLI's and the upload's
    assert client.post(url, content=b"a" * (limit + 1)).status_code == 413
    assert ws.ask({"type": "train", "action": "start", "corpus": "uploaded"})["code"] == "no_corpus"


def test_uploaded_corpus_trains_a_new_model_with_its_own_vocabulary(client, ws):
    text = "\n".join(["the cat sat on the mat .", "the dog sat on the log ."] * 10)
    url = f"/api/sessions/{ws.token}/corpus?start=true"
    answer = client.post(url, files={"file": ("c.txt", text.encode())})
    summary = answer.json()
    assert answer.status_code == 200 and summary["sentences"] == 20 and summary["training"]
    assert summary["vocab_size"] == 5 + 8
    state = ws.recv()
    assert state["type"] == "train_state" and state["re"] == "upload"
    while (frame := ws.recv())["type"] != "train_done":
        assert frame["type"] == "progress"
    assert frame["reason"] == "finished" and frame["model"]["vocab_size"] == 13
    pred = ws.ask({"type": "predict", "text": "the cat sat"})
    assert pred["model"] == "uploaded" and pred["unknown"] == [False, False, False]


def test_an_upload_takes_the_clis_min_count_and_max_vocab(client, ws):
    lines = ["the cat sat on the mat ."] * 8 + ["a rare zebra ran ."] * 2
    body = "\n".join(lines * 2).encode()  # "zebra" 4 times, 3 or 4 in the training part
    url = f"/api/sessions/{ws.token}/corpus"
    kept = client.post(url, content=body).json()["vocab_size"]  # min-count 2 keeps "zebra"
    strict = client.post(f"{url}?min_count=5", content=body).json()["vocab_size"]
    assert strict == kept - 4  # a, rare, zebra, ran: now <unk>
    capped = client.post(f"{url}?max_vocab=10", content=body).json()["vocab_size"]
    assert capped == 10
    too_many = client.post(f"{url}?max_vocab=10000000", content=body)
    assert too_many.status_code == 413 or too_many.status_code == 422
    assert "max_vocab" in too_many.json()["detail"]["message"]
    assert client.post(f"{url}?min_count=0", content=body).status_code == 422


def test_a_chinese_corpus_is_segmented_and_summarised(client, ws):
    text = "我的手机坏了，我打算买一部新手机。\n今天天气很冷。\n".encode()
    summary = client.post(f"/api/sessions/{ws.token}/corpus", content=text).json()
    assert summary["language"] == "zh" and summary["sentences"] == 2
    lines = ["我的手机坏了，我打算买一部新手机。", "今天天气很冷。"]
    assert summary["tokens"] == sum(len(tokenize(line, "zh")) for line in lines)
    assert summary["training"] is False


def test_training_goes_on_while_the_tab_is_away_and_the_resume_gets_its_end(client):
    with client.websocket_connect("/ws") as raw:
        first = Frames(raw)
        token = first.recv()["session"]
        first.ask({"type": "train", "action": "start", "epochs": 30, "batch_size": 1})
    with client.websocket_connect(f"/ws?session={token}") as raw:
        again = Frames(raw)
        hello = again.recv()
        assert hello["resumed"] is True
        types = [hello["training"]]
        while (frame := again.recv())["type"] != "train_done":
            types.append(frame["type"])
        assert frame["reason"] == "finished" and set(types) <= {"running", "idle", "progress"}


def test_a_one_kilobyte_model_declaring_gigabytes_is_refused_before_anything_is_built(client, ws):
    """Issue: a 942-byte file once made the server build the 1 GB model its config named."""
    buffer = io.BytesIO()
    save(buffer, RNNLM(6, 3), vocab=["<pad>", "<unk>", "<s>", "</s>", "<blank>", "a"])
    arrays = dict(np.load(io.BytesIO(buffer.getvalue())))
    config = '{"vocab_size": 1000000, "hidden_size": 512}'
    forged = io.BytesIO()
    np.savez(forged, **(arrays | {"config": np.array(config)}))
    assert len(forged.getvalue()) < 4_000
    before = ws.ask({"type": "predict", "text": SENTENCE})
    tracemalloc.start()
    answer = client.post(f"/api/sessions/{ws.token}/model", files={"file": ("m.npz", forged)})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert answer.status_code == 413
    assert answer.json()["detail"] == {
        "code": "too_large",
        "message": "vocabulary of 1000000 words; the limit is 20000",
    }
    assert peak < 20_000_000  # the request's own bookkeeping, not 1e6 × 512 weights
    assert ws.ask({"type": "predict", "text": SENTENCE})["positions"] == before["positions"]


def _real_like_corpus(lines: int = 800) -> bytes:
    """Sentences with structure a 2-gram cannot see (the subject decides the verb's ending
    three words later), from a seeded process: a stand-in for a learner's own text."""
    rng = np.random.default_rng(7)
    subjects = {"he": "runs", "she": "runs", "they": "run", "we": "run", "i": "run"}
    places = ["to the park", "to the shop", "to school", "home", "along the river"]
    middles = ["every day", "in the morning", "after lunch", "on sundays", "with friends"]
    out = []
    for _ in range(lines):
        subject = rng.choice(list(subjects))
        middle, place = rng.choice(middles), rng.choice(places)
        out.append(f"{subject} often {middle} {subjects[subject]} {place} .")
    return "\n".join(out).encode()


def test_an_uploaded_corpus_trains_with_the_defaults_past_the_2_gram(client, ws):
    """Issue: the session default (SGD, η 0.01) barely learned a user's corpus."""
    page_model = {"hidden_size": 32, "activation": "relu", "init": "identity"}  # as the page's
    ws.ask({"type": "configure", **page_model})
    answer = client.post(f"/api/sessions/{ws.token}/corpus?start=true", content=_real_like_corpus())
    assert answer.status_code == 200
    summary = answer.json()
    assert summary["training"] is True and summary["batch_size"] == 16
    while (frame := ws.recv())["type"] != "train_done":
        assert frame["type"] != "error", frame
    assert frame["reason"] == "finished"
    assert frame["valid_perplexity"] < frame["bigram_valid_perplexity"]


def test_an_upload_whose_run_could_not_start_is_refused_at_once(tmp_path):
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"max_batch_cells": 100}))
    with TestClient(app) as client, session(client) as ws:
        answer = client.post(
            f"/api/sessions/{ws.token}/corpus?start=true", content=_real_like_corpus(20)
        )
        assert answer.status_code == 422
        detail = answer.json()["detail"]
        assert detail["code"] == "limit" and "the limit is 100" in detail["message"]
        assert ws.ask({"type": "ping"})["type"] == "pong"  # nothing started, nothing lost
