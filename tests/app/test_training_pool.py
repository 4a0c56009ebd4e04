"""A training run's work (its set-up, every slice of steps, its final evaluation) is scheduled on
the training workers, never on the request workers that answer predict, bptt and the rest: so a
session that trains, or a big model finishing its evaluation, cannot hold up another session's
requests. Checked by recording what each pool is given, not by timing (bench/ measures latency)."""

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.sessions import Pool
from tests.app.wsutil import make_app

TRAINING_WORK = {"_corpus_model", "_new_run", "_slice", "_done_body"}


@pytest.fixture
def scheduled(monkeypatch):
    """Names of the functions handed to Pool.run (requests) and Pool.train (training)."""
    calls: dict[str, list[str]] = {"run": [], "train": [], "run_heavy": []}
    for kind in calls:
        original = getattr(Pool, kind)

        async def record(self, fn, *args, _original=original, _kind=kind):
            name = getattr(fn, "__name__", repr(fn))
            if name == "work":  # Service.locked's wrapper: the frame builder is its first arg
                name = getattr(fn.__closure__[-1].cell_contents, "__name__", name)
            calls[_kind].append(name)
            return await _original(self, fn, *args)

        monkeypatch.setattr(Pool, kind, record)
    return calls


def corpus() -> bytes:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    return "\n".join(" ".join(rng.choice(words, 12)) + " ." for _ in range(300)).encode()


def receive_until(ws, re, kind):
    while (frame := ws.receive_json())["re"] != re or frame["type"] not in (kind, "error"):
        pass
    return frame


def test_training_work_runs_on_the_training_workers_only(world, scheduled):
    with TestClient(make_app(world)) as client, client.websocket_connect("/ws") as ws:
        token = ws.receive_json()["session"]
        assert client.post(f"/api/sessions/{token}/corpus", content=corpus()).status_code == 200
        start = {"type": "train", "id": 1, "action": "start", "corpus": "uploaded"}
        ws.send_text(json.dumps({**start, "max_seconds": 0.2}))
        done = receive_until(ws, 1, "train_done")
        assert done["type"] == "train_done"
        requests_before = len(scheduled["run"])
        ws.send_text(json.dumps({"type": "predict", "id": 2, "text": "w1 w2"}))
        assert receive_until(ws, 2, "predict")["type"] == "predict"
    assert TRAINING_WORK <= set(scheduled["train"])
    assert TRAINING_WORK.isdisjoint(scheduled["run"])
    assert len(scheduled["run"]) > requests_before  # a predict is request work


def test_costly_requests_take_the_heavy_workers_and_predicts_the_interactive_ones(world, scheduled):
    """So a session (or forty) sending gradchecks and big passes in a loop never stands between
    another session and its predict."""
    with TestClient(make_app(world)) as client, client.websocket_connect("/ws") as ws:
        token = ws.receive_json()["session"]
        for i, message in enumerate(
            [
                {"type": "gradcheck", "hidden": 4, "T": 4},
                {"type": "vanishing", "T": 20},
                {"type": "bptt", "text": "we like apples .", "mode": "step"},
            ]
        ):
            ws.send_text(json.dumps({**message, "id": i}))
            assert receive_until(ws, i, message["type"].replace("bptt", "bptt_start"))
        assert client.post(f"/api/sessions/{token}/corpus", content=corpus()).status_code == 200
        heavy_before = list(scheduled["run_heavy"])
        ws.send_text(json.dumps({"type": "predict", "id": 9, "text": "w1 w2"}))
        assert receive_until(ws, 9, "predict")["type"] == "predict"
    assert {"read_corpus", "_summary"} <= set(heavy_before)
    assert len(heavy_before) >= 5  # gradcheck, vanishing, the bptt pass, the corpus upload
    assert scheduled["run_heavy"] == heavy_before  # the predict went to the interactive workers
