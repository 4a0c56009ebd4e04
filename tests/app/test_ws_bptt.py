"""bptt over the WebSocket: the held pass, stepping both ways, streaming, pause/play — and
every δ, ∇W_k, running sum and total equal to the engine's trace."""

import io

import numpy as np
import pytest

from app.models import read_model
from rnn_core import RNNLM
from rnn_core.io import save
from rnn_core.text import training_pair_ids
from tests.app.wsutil import Frames, np_list

SENTENCE = "my phone is broken , i will buy a new phone ."


def engine_trace(world, name="en-lm", sentence=SENTENCE, truncate=None):
    lm = read_model(world.models_dir / f"{name}.npz", "en")
    tokens = sentence.split()
    x, y = training_pair_ids(tokens, lm.vocab)
    return lm, lm.model.trace(x, y, truncate=truncate)


def start_step_pass(ws, **extra) -> tuple[dict, dict]:
    rid = ws.send({"type": "bptt", "text": SENTENCE, "mode": "step", **extra})
    start, first = ws.recv(), ws.recv()
    assert start["type"] == "bptt_start" and start["re"] == rid
    assert first["type"] == "bptt_forward" and first["pos"] == 0 and first["re"] == rid
    return start, first


def test_step_mode_walks_forward_then_backward_with_the_engine_numbers(ws, world):
    lm, tr = engine_trace(world)
    start, first = start_step_pass(ws)
    T = len(SENTENCE.split()) + 1
    assert start["T"] == T and start["count"] == 2 * T + 1 and start["chains"] == ["1"]
    assert start["x"] == tr.x.tolist() and start["y"] == tr.y.tolist() and start["n_scored"] == T
    c = tr.chains["1"]
    frames = [first] + [ws.ask({"type": "step", "dir": "forward"}) for _ in range(2 * T)]
    assert [f["pos"] for f in frames] == list(range(2 * T + 1))
    for i, f in enumerate(frames[:T]):
        assert f["type"] == "bptt_forward" and f["t"] == i + 1
        np.testing.assert_array_equal(f["chains"]["1"]["s"], c.s[i])
        np.testing.assert_array_equal(f["chains"]["1"]["net"], c.net[i])
        assert f["loss_t"] == tr.loss_t[i] and f["p_label"] == tr.o[i, tr.y[i]]
        assert f["top"][0]["p"] == tr.o[i].max()
        ch = f["chains"]["1"]
        np.testing.assert_array_equal(ch["Ux"], lm.model.params["U1"][:, tr.x[i]])
        np.testing.assert_array_equal(ch["b"], lm.model.params["b1"])
        np.testing.assert_allclose(
            np.add(ch["Ux"], ch["Ws"]) + ch["b"], c.net[i], rtol=1e-12, atol=1e-15
        )
        assert f["sentence_p"] == pytest.approx(np.prod(tr.o[np.arange(i + 1), tr.y[: i + 1]]))
        assert f["error"][0]["id"] == tr.y[i] and f["error"][0]["value"] == tr.e[i, tr.y[i]]
        assert f["error"][0]["value"] < 0 < f["error"][1]["value"]
    for j, f in enumerate(frames[T : 2 * T]):
        k = T - 1 - j  # 0-based time of step k = T - j
        assert f["type"] == "bptt_backward" and f["k"] == k + 1
        ch = f["chains"]["1"]
        np.testing.assert_array_equal(ch["delta"], c.delta[k])
        np.testing.assert_array_equal(ch["delta_out"], c.delta_out[k])
        np.testing.assert_array_equal(ch["delta_time"], c.delta_time[k])
        assert ch["delta_norm"] == c.delta_norm[k]
        for share in ("out", "time", "up"):
            assert ch[f"delta_{share}_norm"] == pytest.approx(
                np.linalg.norm(getattr(c, f"delta_{share}")[k]), rel=1e-12, abs=1e-300
            )
        np.testing.assert_array_equal(np_list(ch["dW"]), tr.grad_W_t("1", k))
        np.testing.assert_array_equal(np_list(ch["dW_sum"]), tr.grad_W_sum("1", k))
        assert ch["dU_index"] == tr.x[k] and ch["dU"] is None
        np.testing.assert_array_equal(ch["dU_col"], c.delta[k])
    totals = frames[-1]
    assert totals["type"] == "bptt_totals" and totals["loss"] == tr.loss
    np.testing.assert_array_equal(np_list(totals["grads"]["W1"]["matrix"]), tr.grads["W1"])
    np.testing.assert_allclose(
        np_list(frames[2 * T - 1]["chains"]["1"]["dW_sum"]), tr.grads["W1"], rtol=1e-12
    )
    np.testing.assert_array_equal(np_list(totals["grads"]["U1"]["matrix"]), tr.grads["U1"])
    np.testing.assert_array_equal(totals["bound"]["1"], c.bound)
    assert totals["nan_at"] is None and totals["nonfinite"] is False


def test_step_backward_returns_the_previous_frame_and_stops_at_the_ends(ws):
    start_step_pass(ws)
    second = ws.ask({"type": "step", "dir": "forward"})
    third = ws.ask({"type": "step", "dir": "forward"})
    back = ws.ask({"type": "step", "dir": "backward"})
    assert back["pos"] == 1 and back["chains"] == second["chains"] and third["pos"] == 2
    ws.ask({"type": "step", "dir": "backward"})
    edge = ws.ask({"type": "step", "dir": "backward"})
    assert edge["pos"] == 0
    last = ws.ask({"type": "step", "to": 26})
    assert last["type"] == "bptt_totals"
    beyond = ws.ask({"type": "step", "dir": "forward"})
    assert beyond["pos"] == 26
    wrong = ws.ask({"type": "step", "to": 27})
    assert wrong["type"] == "error" and wrong["field"] == "to"


def test_stream_mode_sends_every_frame_in_order(ws):
    rid = ws.send({"type": "bptt", "text": "we like apples .", "mode": "stream", "speed": 100})
    start = ws.recv()
    frames = [ws.recv() for _ in range(start["count"])]
    assert [f["pos"] for f in frames] == list(range(start["count"]))
    assert all(f["re"] == rid for f in frames)
    assert frames[-1]["type"] == "bptt_totals"


def test_pause_stops_a_stream_and_play_continues_from_there(ws):
    ws.send({"type": "bptt", "text": SENTENCE, "mode": "stream", "speed": 5})
    ws.recv()
    ws.recv()
    pause_id = ws.send({"type": "pause"})
    while (frame := ws.recv())["re"] != pause_id:
        assert frame["type"] == "bptt_forward"
    assert frame["type"] == "ack" and frame["of"] == "pause"
    paused_at = frame["pos"]
    nxt = ws.ask({"type": "step", "dir": "forward"})
    assert nxt["pos"] == paused_at + 1
    play_id = ws.send({"type": "play", "speed": 100})
    played = []
    while not played or played[-1]["type"] != "bptt_totals":
        played.append(ws.recv())
    assert [f["pos"] for f in played] == list(range(paused_at + 2, 27))
    assert all(f["re"] == play_id for f in played)


def test_step_without_a_pass_is_an_error(client):
    with client.websocket_connect("/ws") as raw:
        ws = Frames(raw)
        ws.recv()
        assert ws.ask({"type": "step", "dir": "forward"})["code"] == "no_pass"
        assert ws.ask({"type": "pause"})["code"] == "no_pass"


def test_deep_model_sends_both_layers_and_delta_from_above(ws, world):
    lm, tr = engine_trace(world, "en-deep")
    ws.send({"type": "bptt", "text": SENTENCE, "model": "en-deep"})
    start = ws.recv()
    ws.recv()
    assert start["chains"] == ["1", "2"]
    T = start["T"]
    frame = ws.ask({"type": "step", "to": T})  # first backward frame: k = T
    low = frame["chains"]["1"]
    np.testing.assert_array_equal(low["delta_up"], tr.chains["1"].delta_up[T - 1])
    np.testing.assert_array_equal(np_list(frame["chains"]["2"]["dU"]), tr.grad_U_t("2", T - 1))


def test_truncated_pass_reports_its_distance_from_the_full_gradient(ws, world):
    _, full = engine_trace(world)
    _, cut = engine_trace(world, truncate=2)
    start, _ = start_step_pass(ws, truncate=2)
    totals = ws.ask({"type": "step", "to": start["count"] - 1})
    gap = np.linalg.norm(cut.grads["W1"] - full.grads["W1"])
    assert totals["truncation_gap"]["W1"] == pytest.approx(gap, rel=1e-12) and gap > 0
    frame = ws.ask({"type": "step", "to": start["T"] + 3})
    assert frame["chains"]["1"]["truncated"] is True


def test_exploding_weights_give_nan_at_and_null_not_invalid_json(client, ws, world):
    lm = read_model(world.models_dir / "en-lm.npz", "en")
    model = RNNLM(len(lm.vocab), 8, activation="identity", init="identity")
    model.params["W1"] *= 1e80  # s_t grows 1e80 per step: s_5 ~ 1e320 is inf
    buffer = io.BytesIO()
    save(buffer, model, vocab=lm.vocab.to_list(), extra={"language": "en"})
    token = ws.ask({"type": "resume", "session": ws.hello["session"]})["session"]
    up = client.post(f"/api/sessions/{token}/model", files={"file": ("m.npz", buffer.getvalue())})
    assert up.status_code == 200 and ws.recv()["type"] == "configured"
    start = ws.ask({"type": "bptt", "text": SENTENCE}, until="bptt_start")
    assert start["nonfinite"] is True and None in start["bound"]["1"]
    first = ws.recv()
    assert first["nonfinite"] is False
    fifth = ws.ask({"type": "step", "to": 4})
    assert fifth["nonfinite"] is True and None in fifth["chains"]["1"]["s"]
    totals = ws.ask({"type": "step", "to": start["count"] - 1})
    assert totals["nonfinite"] is True and totals["nan_at"] == 5
    assert "clipping" in totals["note"]
    assert ws.ask({"type": "predict", "text": "we like apples"})["type"] == "predict"


def test_bptt_start_carries_the_bound_of_every_chain_before_the_backward_pass(ws, world):
    lm, tr = engine_trace(world, "en-deep")
    ws.send({"type": "bptt", "text": SENTENCE, "model": "en-deep"})
    start = ws.recv()
    ws.recv()
    for key, c in tr.chains.items():
        assert start["beta_W"][key] == c.beta_W and start["beta_f"][key] == c.beta_f
        np.testing.assert_array_equal(start["bound"][key], c.bound)
    assert start["nonfinite"] is False
    totals = ws.ask({"type": "step", "to": start["count"] - 1})
    assert totals["bound"] == start["bound"] and totals["beta_W"] == start["beta_W"]


def test_a_play_answers_at_least_once_even_when_paused_at_once(ws):
    """Issue: play followed at once by pause/step/bptt/play got no frame (20 of 20)."""
    ws.ask(
        {"type": "bptt", "text": "my phone is broken , i will buy a new phone .", "mode": "step"}
    )
    ws.recv()  # the frame at 0
    for follow in ({"type": "pause"}, {"type": "step", "dir": "forward"}, {"type": "play"}):
        play = ws.send({"type": "play", "speed": 1})
        after = ws.send(follow)
        frames = []
        while not frames or frames[-1]["re"] != after:
            frames.append(ws.recv())
        assert any(
            f["re"] == play and f["type"] in ("bptt_forward", "bptt_backward", "bptt_totals")
            for f in frames
        ), (follow, [f["type"] for f in frames])
    ws.ask({"type": "pause"})


def test_a_new_model_drops_the_pass_of_the_old_one(ws):
    """After configure the held pass was another model's: stepping it is no_pass (nothing else
    changes), and the next bptt reads the new model."""
    start_step_pass(ws)
    configured = ws.ask({"type": "configure", "hidden_size": 6, "seed": 2})
    assert configured["type"] == "configured" and configured["model"]["hidden_size"] == 6
    refused = ws.ask({"type": "step", "dir": "forward"})
    assert refused["type"] == "error" and refused["code"] == "no_pass"
    ws.send({"type": "bptt", "text": SENTENCE, "mode": "step"})
    start = ws.recv()
    first = ws.recv()
    assert start["type"] == "bptt_start" and len(first["chains"]["1"]["s"]) == 6
