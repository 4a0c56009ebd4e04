"""The tutorial's single SGD step, at a session's default settings, on the shipped models."""

import json

import pytest
from fastapi.testclient import TestClient

from app.main import app

SENTENCES = {
    "en-lm": "i was late for school yesterday , the teacher criticised me .",
    "zh-lm": "我的手机坏了，我打算买一部新手机。",
}


@pytest.mark.parametrize("model", sorted(SENTENCES))
def test_one_sgd_step_at_default_settings_lowers_the_loss_of_a_built_in_model(model):
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_text(json.dumps({"type": "configure", "id": 1, "model": model}))
        assert ws.receive_json()["type"] == "configured"
        ws.send_text(
            json.dumps({"type": "train", "id": 2, "action": "step", "text": SENTENCES[model]})
        )
        frame = ws.receive_json()
        assert frame["type"] == "train_step", frame
        assert frame["loss_after"] < frame["loss_before"]


def test_configure_defaults_eta_by_kind_of_model_and_keeps_an_explicit_one():
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_json()["model"]["lr"] == 0.01
        lrs = []
        for i, message in enumerate(
            [{"model": "en-lm"}, {"hidden_size": 8}, {"model": "zh-lm", "lr": 0.2}], start=1
        ):
            ws.send_text(json.dumps({"type": "configure", "id": i, **message}))
            lrs.append(ws.receive_json()["model"]["lr"])
        assert lrs == [0.01, 0.1, 0.2]
