"""A session whose model is an LSTM or a GRU: configure and upload, predict with every gate,
and a bptt pass whose every gate, c_t, δ_h, δ_c, δ_q and carried share equal the engine's trace."""

import io

import numpy as np
import pytest

from app.models import read_model
from rnn_core import RNNLM
from rnn_core.gated import split_gates
from rnn_core.io import save
from rnn_core.model import RNNConfig
from rnn_core.text import training_pair_ids
from tests.app.test_ws_train import collect_run

SENTENCE = "my phone is broken , i will buy a new phone ."


def configured(world, ws, cell, **extra):
    """Configure the session with a fresh gated model; the same model built here."""
    frame = ws.ask({"type": "configure", "cell": cell, "hidden_size": 5, "seed": 3, **extra})
    assert frame["type"] == "configured" and frame["model"]["cell"] == cell
    vocab = read_model(world.models_dir / "en-lm.npz", "en").vocab
    layers = extra.get("num_layers", 1)
    bi = extra.get("bidirectional", False)
    config = RNNConfig(len(vocab), 5, layers, bi, "tanh", True, 3, "float64", "xavier", None, cell)
    return RNNLM.new(config), vocab


def stream(ws, text=SENTENCE):
    ws.send({"type": "bptt", "text": text, "mode": "stream", "speed": 100})
    start = ws.recv()
    assert start["type"] == "bptt_start", start
    return start, [ws.recv() for _ in range(start["count"])]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_a_gated_pass_carries_every_gate_and_error_term_of_the_engine_trace(
    world, ws, cell, layers
):
    model, vocab = configured(world, ws, cell, num_layers=layers)
    x, y = training_pair_ids(SENTENCE.split(), vocab)
    tr = model.trace(x, y)
    start, frames = stream(ws)
    T = len(x)
    assert start["T"] == T and start["chains"] == list(tr.chains)
    for i, f in enumerate(frames[:T]):
        assert f["type"] == "bptt_forward" and f["p_label"] == tr.o[i, y[i]]
        for key, c in tr.chains.items():
            ch = f["chains"][key]
            np.testing.assert_array_equal(ch["s"], c.s[i])
            np.testing.assert_array_equal(ch["s_prev"], c.s_prev[i])
            values, nets = split_gates(cell, c.gates[i]), split_gates(cell, c.net[i])
            assert list(ch["gates"]) == list(values)
            for q, gate in ch["gates"].items():
                np.testing.assert_array_equal(gate["value"], values[q])
                np.testing.assert_array_equal(gate["net"], nets[q])
                recurrent = gate["reset"] if gate["reset"] is not None else gate["Ws"]
                np.testing.assert_allclose(
                    np.add(gate["Ux"], recurrent) + gate["b"], nets[q], rtol=1e-12, atol=1e-15
                )
            if cell == "lstm":
                np.testing.assert_array_equal(ch["c"], c.c[i])
                np.testing.assert_array_equal(ch["c_prev"], c.c_prev[i])
                g = ch["gates"]
                np.testing.assert_allclose(  # c_t = f ∘ c_{t-1} + i ∘ c̃ and h_t = o ∘ tanh(c_t)
                    np.multiply(g["f"]["value"], ch["c_prev"])
                    + np.multiply(g["i"]["value"], g["c_tilde"]["value"]),
                    ch["c"],
                    rtol=1e-12,
                )
                np.testing.assert_allclose(
                    np.multiply(g["o"]["value"], np.tanh(ch["c"])), ch["s"], rtol=1e-12
                )
            else:
                g = ch["gates"]
                np.testing.assert_array_equal(g["h_tilde"]["reset"], c.reset[i])  # the engine's
                np.testing.assert_allclose(  # r_t ∘ (W_h h_{t−1})
                    g["h_tilde"]["reset"],
                    np.multiply(g["r"]["value"], g["h_tilde"]["Ws"]),
                    rtol=1e-12,
                    atol=1e-15,
                )
                assert ch["c"] is None and g["z"]["reset"] is None
    for j, f in enumerate(frames[T : 2 * T]):
        for key, c in tr.chains.items():
            k = c.visit_order()[j]
            ch = f["chains"][key]
            assert ch["t"] == k + 1
            np.testing.assert_array_equal(ch["delta"], c.delta[k])
            np.testing.assert_array_equal(ch["carry"], c.delta_carry[k])
            for q, d in split_gates(cell, c.delta_gates[k]).items():
                np.testing.assert_array_equal(ch["delta_gates"][q], d)
            if cell == "lstm":
                np.testing.assert_array_equal(ch["delta_c"], c.delta_c[k])
                assert ch["delta_c_norm"] == pytest.approx(np.linalg.norm(c.delta_c[k]))
            else:
                assert ch["delta_c"] is None and ch["delta_c_norm"] is None
    totals = frames[-1]
    for name, g in tr.grads.items():
        assert totals["grads"][name]["norm"] == pytest.approx(np.linalg.norm(g), rel=1e-12)
    assert totals["nan_at"] is None and totals["loss"] == tr.loss
    for key, c in tr.chains.items():
        np.testing.assert_allclose(
            totals["carry_norm"][key], np.linalg.norm(c.delta_carry, axis=1), rtol=1e-12
        )
        if cell == "lstm":
            np.testing.assert_allclose(
                totals["delta_c_norm"][key], np.linalg.norm(c.delta_c, axis=1), rtol=1e-12
            )
        else:
            assert totals["delta_c_norm"] is None


def test_predict_with_a_gated_model_sends_its_gates_and_an_rnn_sends_none(world, ws):
    plain = ws.ask({"type": "predict", "text": "we like apples ."})
    assert plain["inside"] is None
    model, vocab = configured(world, ws, "lstm", bidirectional=False)
    frame = ws.ask({"type": "predict", "text": "we like apples ."})
    assert frame["model"] == "custom"
    x = vocab.encode(frame["inputs"])
    _, states, inside = model.forward_inside(x)
    assert list(frame["inside"]["1"]) == ["f", "i", "c_tilde", "o", "c"]
    for name, values in inside["1"].items():
        np.testing.assert_array_equal(frame["inside"]["1"][name], values)
    np.testing.assert_array_equal(frame["states"]["1"], states["1"])


def test_a_gated_cell_refuses_another_activation_and_the_model_stays(ws):
    before = ws.ask({"type": "predict", "text": "we like apples ."})
    error = ws.ask({"type": "configure", "cell": "gru", "activation": "relu"})
    assert error["type"] == "error" and "activation must be tanh" in error["message"]
    assert ws.ask({"type": "predict", "text": "we like apples ."})["model"] == before["model"]
    unknown = ws.ask({"type": "configure", "cell": "transformer"})
    assert unknown["type"] == "error" and unknown["code"] == "bad_message"
    assert "cell" in unknown["message"]


def test_an_uploaded_gru_model_is_the_sessions_and_trains(world, client, ws):
    vocab = read_model(world.models_dir / "en-lm.npz", "en").vocab
    model = RNNLM(len(vocab), 4, cell="gru", seed=2)
    buffer = io.BytesIO()
    save(buffer, model, vocab=vocab.to_list(), extra={"language": "en"})
    answer = client.post(
        f"/api/sessions/{ws.token}/model", files={"file": ("g.npz", buffer.getvalue())}
    )
    assert answer.status_code == 200, answer.text
    configured_frame = ws.recv()
    assert configured_frame["type"] == "configured"
    assert configured_frame["model"]["cell"] == "gru"
    start, frames = stream(ws, "we like apples .")
    assert frames[-1]["type"] == "bptt_totals" and frames[0]["chains"]["1"]["gates"]
    step = ws.ask({"type": "train", "action": "step", "text": "we like apples ."})
    assert step["type"] == "train_step" and step["loss_after"] < step["loss_before"]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_gated_session_model_trains_on_the_builtin_corpus_and_keeps_its_cell(world, ws, cell):
    configured(world, ws, cell)
    start = ws.ask({"type": "train", "action": "start", "epochs": 5, "batch_size": 2})
    assert start["type"] == "train_state" and start["state"] == "running"
    progress, done = collect_run(ws, start["re"])
    assert done["reason"] == "finished" and done["model"]["cell"] == cell
    assert progress and set(progress[-1]["grad_norms"]) == {"U1", "W1", "b1", "V", "c"}
    assert progress[-1]["loss"] < progress[0]["loss"]
    frame = ws.ask({"type": "predict", "text": "we like apples ."})
    assert frame["model"] == "custom" and frame["inside"]["1"]
