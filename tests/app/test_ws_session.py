"""Sessions: resume with the token, take-over, unknown tokens, the session limit, errors that
leave the session intact."""

import time

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.app.wsutil import Frames, make_app, tiny_world


def connect(client, query=""):
    ws = client.websocket_connect("/ws" + query)
    frames = Frames(ws.__enter__())
    frames.ctx = ws
    frames.hello = frames.recv()
    return frames


def test_reconnecting_with_the_token_resumes_the_same_session(client):
    first = connect(client)
    token = first.hello["session"]
    first.ask({"type": "configure", "hidden_size": 5})
    first.ctx.__exit__(None, None, None)
    second = connect(client, f"?session={token}")
    assert second.hello["resumed"] is True and second.hello["session"] == token
    assert second.hello["model"]["hidden_size"] == 5
    assert second.hello["seq"] == 0
    second.ctx.__exit__(None, None, None)


def test_a_second_connection_with_the_token_takes_the_session_over(client):
    first = connect(client)
    token = first.hello["session"]
    second = connect(client, f"?session={token}")
    assert second.hello["resumed"] is True
    with pytest.raises(WebSocketDisconnect) as closed:
        first.ws.receive_text()
    assert closed.value.code == 4001
    first.ctx.__exit__(None, None, None)
    assert second.ask({"type": "ping"})["type"] == "pong"
    second.ctx.__exit__(None, None, None)


def test_an_unknown_token_opens_a_new_session_and_says_so(client):
    frames = connect(client, "?session=not-a-real-token")
    assert frames.hello["resumed"] is False and frames.hello["session"] != "not-a-real-token"
    assert frames.recv()["code"] == "unknown_session"
    frames.ctx.__exit__(None, None, None)


def test_resume_message_switches_the_connection_to_another_session(client):
    first = connect(client)
    first.ask({"type": "configure", "hidden_size": 3})
    token = first.hello["session"]
    first.ctx.__exit__(None, None, None)
    other = connect(client)
    hello = other.ask({"type": "resume", "session": token})
    assert hello["type"] == "hello" and hello["model"]["hidden_size"] == 3
    assert other.ask({"type": "resume", "session": "nope"})["code"] == "unknown_session"
    other.ctx.__exit__(None, None, None)


def test_errors_keep_the_connection_and_the_session(client):
    frames = connect(client)
    frames.ask({"type": "configure", "hidden_size": 6})
    frames.ws.send_text("{not json")
    assert frames.recv()["code"] == "bad_json"
    assert frames.ask({"type": "launch"})["code"] == "unknown_type"
    assert frames.ask({"type": "predict"})["field"] == "text"
    assert frames.ask({"type": "predict", "text": 5})["code"] == "bad_message"
    assert frames.ask({"type": "predict", "text": "x", "extra": 1})["field"] == "extra"
    frames.ws.send_text('{"type": "ping"}')
    assert frames.recv()["re"] is None
    frames.ws.send_text('{"type": "ping", "id": 1, "pad": "' + "a" * 70000 + '"}')
    big = frames.recv()
    assert big["code"] == "too_large" and big["re"] is None
    assert frames.ask({"type": "ping"})["type"] == "pong"
    hello = frames.ask({"type": "resume", "session": frames.hello["session"]})
    assert hello["model"]["hidden_size"] == 6
    frames.ctx.__exit__(None, None, None)


def test_beyond_max_sessions_the_server_says_busy(tmp_path):
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"max_sessions": 2}))
    with TestClient(app) as client:
        a, b = connect(client), connect(client)
        with client.websocket_connect("/ws") as ws:
            frame = Frames(ws).recv()
            assert frame["type"] == "error" and frame["code"] == "busy"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_text()
            assert closed.value.code == 1013
        assert a.ask({"type": "ping"})["type"] == "pong"
        b.ctx.__exit__(None, None, None)
        a.ctx.__exit__(None, None, None)


def test_a_frame_above_the_size_limit_is_refused_whole_not_cut(tmp_path):
    world = tiny_world(tmp_path)
    # between this sentence's frame with every distribution (51 kB) and without them (32 kB)
    app = make_app(world.model_copy(update={"max_frame_bytes": 40000}))
    text = " ".join(["my phone is broken ."] * 4)
    with TestClient(app) as client:
        frames = connect(client)
        refused = frames.ask({"type": "predict", "text": text, "full": True})
        assert refused["type"] == "error" and refused["code"] == "frame_too_large"
        answered = frames.ask({"type": "predict", "text": text})
        assert answered["type"] == "predict" and len(answered["positions"]) == 21
        frames.ctx.__exit__(None, None, None)


def test_after_the_idle_timeout_the_token_reaches_nothing(tmp_path):
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"idle_timeout_s": 0.3, "max_sessions": 1}))
    with TestClient(app) as client:
        first = connect(client)
        token = first.hello["session"]
        first.ask({"type": "configure", "hidden_size": 5})
        first.ctx.__exit__(None, None, None)
        assert client.get(f"/api/sessions/{token}/model").status_code == 200
        time.sleep(0.5)
        assert client.get(f"/api/sessions/{token}/model").status_code == 404
        late = connect(client, f"?session={token}")  # the expired one no longer counts
        assert late.hello["resumed"] is False and late.hello["session"] != token
        assert late.hello["model"]["hidden_size"] == 8
        assert late.recv()["code"] == "unknown_session"
        assert late.ask({"type": "resume", "session": token})["code"] == "unknown_session"
        late.ctx.__exit__(None, None, None)


def _run_of(app, token):
    return app.state.service.sessions.sessions[token].state.run


def test_dropped_connections_free_their_slots_after_the_grace_and_pause_their_training(tmp_path):
    """Issue: 100 connections that start training and reset once locked every new visitor out
    for the 15-minute idle timeout while their runs kept burning CPU."""
    world = tiny_world(tmp_path)
    settings = {"idle_timeout_s": 1.0, "max_sessions": 3, "reap_every_s": 0.1}
    app = make_app(world.model_copy(update=settings))
    with TestClient(app) as client:
        tokens = []
        for _ in range(3):
            frames = connect(client)
            frames.ask({"type": "train", "action": "start", "epochs": 1000})
            tokens.append(frames.hello["session"])
            frames.ctx.__exit__(None, None, None)  # the connection drops mid-run
        assert all(_run_of(app, token).state == "paused" for token in tokens)
        time.sleep(0.15)  # a slice already on a worker when the connection dropped ends
        steps = [_run_of(app, token).trainer.step_count for token in tokens]
        time.sleep(0.2)
        assert [_run_of(app, token).trainer.step_count for token in tokens] == steps
        with client.websocket_connect("/ws") as ws:  # within the grace: still full
            assert Frames(ws).recv()["code"] == "busy"
        time.sleep(1.0)
        visitor = connect(client)  # after the grace: room again
        assert visitor.hello["type"] == "hello" and visitor.hello["resumed"] is False
        visitor.ctx.__exit__(None, None, None)


def test_a_run_paused_by_a_dropped_connection_goes_on_when_the_tab_reconnects(client):
    first = connect(client)
    token = first.hello["session"]
    first.ask({"type": "train", "action": "start", "epochs": 1000})
    first.ctx.__exit__(None, None, None)
    time.sleep(0.05)
    back = connect(client, f"?session={token}")
    try:
        assert back.hello["resumed"] is True and back.hello["training"] == "running"
        stopped = back.ask({"id": "stop", "type": "train", "action": "stop"}, until="train_state")
        assert stopped["state"] == "idle"
    finally:
        back.ctx.__exit__(None, None, None)


def test_one_address_cannot_take_every_session(tmp_path):
    world = tiny_world(tmp_path)
    app = make_app(world.model_copy(update={"max_sessions": 10, "max_sessions_per_client": 2}))
    with TestClient(app) as client:
        a, b = connect(client), connect(client)
        with client.websocket_connect("/ws") as ws:
            frame = Frames(ws).recv()
            assert frame["code"] == "busy" and "your address has 2 sessions" in frame["message"]
        a.ctx.__exit__(None, None, None)
        b.ctx.__exit__(None, None, None)


def test_a_page_of_another_origin_cannot_open_a_session_or_upload(client):
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers={"origin": "https://evil.example"}):
            pass
    assert refused.value.code == 1008
    same = client.websocket_connect("/ws", headers={"origin": "http://testserver"})
    frames = Frames(same.__enter__())
    token = frames.recv()["session"]
    upload = client.post(
        f"/api/sessions/{token}/corpus",
        content=b"we like apples .\n",
        headers={"origin": "https://evil.example"},
    )
    assert upload.status_code == 403 and upload.json()["detail"]["code"] == "forbidden_origin"
    own = client.post(
        f"/api/sessions/{token}/corpus",
        content=b"we like apples .\n",
        headers={"origin": "http://testserver"},
    )
    assert own.status_code == 200
    same.__exit__(None, None, None)


def test_with_persistence_a_planned_restart_keeps_each_sessions_model(tmp_path):
    world = tiny_world(tmp_path)
    settings = world.model_copy(update={"persist_dir": tmp_path / "kept"})
    with TestClient(make_app(settings)) as client:
        first = connect(client)
        token = first.hello["session"]
        first.ask({"type": "configure", "hidden_size": 7})
        first.ask({"type": "train", "action": "step", "text": "we like apples ."})
        weights = client.get(f"/api/sessions/{token}/model").content
        first.ctx.__exit__(None, None, None)
    saved = list((tmp_path / "kept").glob("*.npz"))
    assert len(saved) == 1 and token not in saved[0].name
    with TestClient(make_app(settings)) as client:  # the server restarted
        back = connect(client, f"?session={token}")
        assert back.hello["resumed"] is True and back.hello["model"]["hidden_size"] == 7
        assert client.get(f"/api/sessions/{token}/model").content == weights
        assert not list((tmp_path / "kept").glob("*.npz"))  # read once, then removed
        back.ctx.__exit__(None, None, None)
