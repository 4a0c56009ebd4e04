"""The shipped models over the socket: the tutorial's single SGD step at a session's default
settings, and the bidirectional models filling the tutorial's ____ blanks."""

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


def test_configure_defaults_the_optimizer_by_kind_of_model_and_keeps_an_explicit_one():
    # a built-in model goes on with SGD; a fresh one learns with Adam (it beats the 2-gram soon)
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_json()["model"]["lr"] == 0.01
        chosen = []
        for i, message in enumerate(
            [{"model": "en-lm"}, {"hidden_size": 8}, {"model": "zh-lm", "lr": 0.2}], start=1
        ):
            ws.send_text(json.dumps({"type": "configure", "id": i, **message}))
            model = ws.receive_json()["model"]
            chosen.append((model["optimizer"], model["lr"]))
        assert chosen == [("sgd", 0.01), ("adam", 0.01), ("sgd", 0.2)]


BLANKS = {
    "zh-blank": ("我的手机坏了，我打算 ____ 一部新手机。", "买"),
    "en-blank": ("my phone is broken , so i plan to ____ a new phone .", "buy"),
}


@pytest.mark.parametrize("model", sorted(BLANKS))
def test_the_shipped_blank_models_fill_the_tutorials_blank_over_the_socket(model):
    text, answer = BLANKS[model]
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_text(json.dumps({"type": "configure", "id": 1, "model": model}))
        assert ws.receive_json()["type"] == "configured"
        ws.send_text(json.dumps({"type": "predict", "id": 2, "text": text}))
        frame = ws.receive_json()
        assert frame["type"] == "predict" and frame["model"] == model, frame
        blank = frame["blank"]
        assert frame["tokens"][blank["index"]] == "<blank>"
        assert blank["rnn"][0]["word"] == answer and blank["rnn"][0]["p"] > 0.5
        assert blank["left_only_model"] == model.replace("blank", "lm")
