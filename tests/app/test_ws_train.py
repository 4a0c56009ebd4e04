"""train over the WebSocket: one SGD step (W before/after, equal to the engine's update),
training runs with progress, pause/resume/stop, NaN reported, configure."""

import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.models import read_model
from app.training import PROGRESS_POINTS
from rnn_core.optim import SGD, clip_grad_norm
from rnn_core.text import tokenize, training_pair_ids
from tests.app.wsutil import Frames, make_app, np_list

SENTENCE = "my phone is broken , i will buy a new phone ."


def test_one_sgd_step_changes_every_weight_as_the_engine_does(ws, world):
    lm = read_model(world.models_dir / "en-lm.npz", "en")
    x, y = training_pair_ids(SENTENCE.split(), lm.vocab)
    loss, grads = lm.model.loss_and_grads(x, y)
    clip_grad_norm(grads, 5.0)
    W_before = lm.model.params["W1"].copy()
    SGD(0.01).step(lm.model.params, grads)  # a session's default η for a built-in model
    frame = ws.ask({"type": "train", "action": "step", "text": SENTENCE})
    assert frame["type"] == "train_step" and frame["loss_before"] == loss
    assert frame["lr"] == 0.01
    assert frame["loss_after"] < frame["loss_before"]
    W = frame["weights"]["W1"]
    np.testing.assert_array_equal(np_list(W["before"]), W_before)
    np.testing.assert_array_equal(np_list(W["after"]), lm.model.params["W1"])
    assert set(frame["weights"]) == {"U1", "W1", "b1", "V", "c"}
    assert W["change_norm"] == pytest.approx(np.linalg.norm(lm.model.params["W1"] - W_before))
    np.testing.assert_array_equal(
        np_list(W["change"]), lm.model.params["W1"].astype(np.float64) - W_before
    )
    for w in frame["weights"].values():  # sent where before and after are (small matrices)
        assert (w["change"] is None) == (w["before"] is None)
    # the session now predicts with the updated weights, and so does its bptt trace
    o, _ = lm.model.forward(x)
    pred = ws.ask({"type": "predict", "text": SENTENCE})
    assert [p["next_p"]["rnn"] for p in pred["positions"]] == o[np.arange(len(y)), y].tolist()
    start = ws.ask({"type": "bptt", "text": SENTENCE}, until="bptt_start")
    ws.recv()
    totals = ws.ask({"type": "step", "to": start["count"] - 1})
    tr = lm.model.trace(x, y)
    np.testing.assert_array_equal(np_list(totals["grads"]["W1"]["matrix"]), tr.grads["W1"])


def test_built_in_weights_are_not_changed_by_a_session(client, ws, world):
    ws.ask({"type": "train", "action": "step", "text": SENTENCE})
    with client.websocket_connect("/ws") as raw:
        other = Frames(raw)
        other.recv()
        lm = read_model(world.models_dir / "en-lm.npz", "en")
        x, y = training_pair_ids(SENTENCE.split(), lm.vocab)
        o, _ = lm.model.forward(x)
        pred = other.ask({"type": "predict", "text": SENTENCE})
        assert pred["positions"][3]["next_p"]["rnn"] == o[3, y[3]]


def collect_run(ws, start_id) -> tuple[list, dict]:
    progress = []
    while True:
        frame = ws.recv()
        if frame["type"] == "progress":
            assert frame["re"] == start_id
            progress.append(frame)
        if frame["type"] == "train_done":
            return progress, frame


def test_training_reports_progress_and_ends_beside_the_baselines(ws):
    start = ws.ask({"type": "train", "action": "start", "epochs": 20, "batch_size": 2})
    assert start["type"] == "train_state" and start["state"] == "running"
    progress, done = collect_run(ws, start["re"])
    assert done["reason"] == "finished" and done["re"] == start["re"]
    assert done["steps"] == 20 * 5  # 10 sentences in batches of 2
    assert done["valid_perplexity"] > 1 and done["trigram_valid_perplexity"] > 1
    assert done["model"]["origin"] == "trained"
    vocab = set(ws.ask({"type": "vocab"})["words"])
    for p in progress:
        assert set(p["grad_norms"]) == {"U1", "W1", "b1", "V", "c"}
        assert 0 < p["fraction"] <= 1
        # the live sample line: a sentence of known words drawn by the model being trained
        assert isinstance(p["generated"], str)
        words = tokenize(p["generated"], "en") if p["generated"] else []
        assert set(words) <= vocab - {"<unk>", "<s>", "</s>", "<pad>", "<blank>"}
    # a curve a learner can watch: a point at least every total/60 steps, more only at 10 Hz
    every = max(1, done["steps"] // PROGRESS_POINTS)
    assert len(progress) >= min(done["steps"], PROGRESS_POINTS) // 2  # (coalesced if unread)
    assert len(progress) <= done["steps"] // every + 10 * done["elapsed"] + 2
    assert [p["step"] for p in progress] == sorted({p["step"] for p in progress})


def test_a_paced_run_takes_at_least_its_seconds_and_reports_its_points(ws):
    started = time.monotonic()
    start = ws.ask(
        {"type": "train", "action": "start", "epochs": 20, "batch_size": 2, "pace_s": 1.5}
    )
    arrivals = []  # (seconds since the start, step) of every progress frame
    etas = []
    while (frame := ws.recv())["type"] != "train_done":
        if frame["type"] == "progress":
            arrivals.append((time.monotonic() - started, frame["step"]))
            etas.append(frame["eta_s"])
    took = time.monotonic() - started
    assert frame["reason"] == "finished" and frame["steps"] == 100 and frame["re"] == start["re"]
    assert took >= 1.5 * 0.95
    assert len(arrivals) >= 30
    # the steps are spread over the run: step 50 is not reached before about half of it
    assert min(t for t, step in arrivals if step >= 50) >= 0.4 * 1.5
    # the time left counts down the pace: about 1.5 s at the start, about 0 at the end
    assert 0.8 <= etas[0] <= 1.6 and etas[-1] <= 0.3


def test_pause_resume_and_stop(ws):
    ws.ask({"type": "configure", "hidden_size": 64, "lr": 0.01})
    start = ws.ask({"type": "train", "action": "start", "epochs": 1000, "batch_size": 1})
    paused = ws.ask({"type": "train", "action": "pause"}, until="train_state")
    assert paused["state"] == "paused"
    assert ws.ask({"type": "predict", "text": "we like apples"})["type"] == "predict"
    busy = ws.ask({"type": "configure", "hidden_size": 4})
    assert busy["code"] == "training"
    again = ws.ask({"type": "train", "action": "start"}, until="train_state")
    assert again["code"] == "training"
    resumed = ws.ask({"type": "train", "action": "resume"}, until="train_state")
    assert resumed["state"] == "running"
    stop_id = ws.send({"type": "train", "action": "stop"})
    done = None
    while (frame := ws.recv())["re"] != stop_id:
        if frame["type"] == "train_done":
            done = frame
    assert done is not None and done["reason"] == "stopped" and done["re"] == start["re"]
    assert frame["type"] == "train_state" and frame["state"] == "idle"
    assert ws.ask({"type": "train", "action": "pause"})["code"] == "not_training"


def test_divergent_training_reports_nan_at_and_suggests_clipping(ws):
    ws.ask(
        {
            "type": "configure",
            "hidden_size": 8,
            "optimizer": "sgd",
            "lr": 100,
            "clip": None,
            "radius": 50,
            "activation": "relu",
        }
    )
    start = ws.ask({"type": "train", "action": "start", "epochs": 50, "batch_size": 2})
    _, done = collect_run(ws, start["re"])
    assert done["reason"] == "nan" and done["nan_at"] >= 1
    assert "clipping" in done["message"]
    assert ws.ask({"type": "softmax", "z": [1, 2]})["type"] == "softmax"


def test_configure_builds_a_new_model_or_loads_a_built_in_one(ws):
    frame = ws.ask(
        {
            "type": "configure",
            "hidden_size": 16,
            "num_layers": 2,
            "bidirectional": True,
            "activation": "relu",
            "init": "orthogonal",
        }
    )
    model = frame["model"]
    assert frame["type"] == "configured" and model["chains"] == ["1", "1'", "2", "2'"]
    assert model["hidden_size"] == 16 and model["params"]["W2'"] == [16, 16]
    assert model["vocab_size"] == ws.hello["model"]["vocab_size"]
    deep = ws.ask({"type": "configure", "model": "en-deep"})
    assert deep["model"]["name"] == "en-deep" and deep["model"]["num_layers"] == 2
    zh = ws.ask({"type": "configure", "language": "zh", "hidden_size": 4})
    assert zh["model"]["language"] == "zh"


def test_configure_refuses_what_is_out_of_limits_or_unknown(ws):
    assert ws.ask({"type": "configure", "hidden_size": 513})["code"] == "limit"
    assert ws.ask({"type": "configure", "num_layers": 5})["code"] == "limit"
    wrong = ws.ask({"type": "configure", "init": "magic"})
    assert wrong["code"] == "invalid" and "init" in wrong["message"]
    assert ws.ask({"type": "configure", "optimizer": "rmsprop"})["code"] == "invalid"
    assert ws.ask({"type": "configure", "model": "nope"})["code"] == "unknown_model"

    assert ws.ask({"type": "configure", "activation": "softsign"})["code"] == "bad_message"
    same = ws.ask({"type": "predict", "text": "we like apples"})
    assert same["model"] == "en-lm"


def test_a_training_step_too_large_for_memory_is_refused(world):
    app = make_app(world.model_copy(update={"max_batch_cells": 2000}))
    with TestClient(app) as client, client.websocket_connect("/ws") as raw:
        ws = Frames(raw)
        ws.recv()
        huge = ws.ask({"type": "train", "action": "start", "batch_size": 8}, until="train_state")
        assert huge["code"] == "limit" and huge["field"] == "batch_size"
        small = ws.ask({"type": "train", "action": "start", "batch_size": 1}, until="train_state")
        assert small["state"] == "running"


def test_the_server_trains_a_blank_model_on_exact_batches_as_make_models_does(ws, client):
    """Issue: the server used one blank per sentence and padded batches, which feed a backward
    chain padding before the sentence's last word; make models used 4 blanks, one length per
    batch."""
    from rnn_core.fit import Recipe, training_pairs

    ws.ask({"type": "configure", "hidden_size": 4, "bidirectional": True})
    ws.ask({"id": "run", "type": "train", "action": "start", "epochs": 1}, until="train_state")
    session = client.app.state.service.sessions.sessions[ws.token]
    run = session.state.run
    lm = session.state.lm
    sentences = [t[:64] for t in client.app.state.service.models.corpus("en", "train")]
    expected = training_pairs(lm.model, lm.vocab, sentences, Recipe.blanks_per_sentence, 0)
    assert len(run.trainer.pairs) == len(expected)
    for (x, y), (ex, ey) in zip(run.trainer.pairs, expected, strict=True):
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)
    assert run.trainer.bucket == "exact"
    ws.ask({"id": "stop", "type": "train", "action": "stop"}, until="train_state")
