"""The labs' messages: softmax playground, gradient check, vanishing/exploding, vocabulary."""

import numpy as np
import pytest

from rnn_core import RNNLM
from rnn_core.vanishing import carried_delta, unit_delta
from tests.app.wsutil import session


@pytest.fixture(scope="module")
def ws(client):
    """One session for the whole module (the labs keep no state between messages)."""
    with session(client) as frames:
        yield frames


def test_softmax_of_the_tutorial_example(ws):
    frame = ws.ask({"type": "softmax", "z": [1, 2, 3, 4], "label": 0})
    assert np.round(frame["o"], 2).tolist() == [0.03, 0.09, 0.24, 0.64]
    assert frame["loss"] == pytest.approx(3.4401897, abs=1e-7)
    assert ws.ask({"type": "softmax", "z": [1, 2], "label": 2})["field"] == "label"
    assert ws.ask({"type": "softmax", "z": []})["code"] == "bad_message"
    assert ws.ask({"type": "softmax", "z": [1e300]})["code"] == "bad_message"


def test_gradient_check_passes_for_tanh_and_the_tutorial_check_is_blind(ws):
    frame = ws.ask(
        {
            "type": "gradcheck",
            "activation": "tanh",
            "hidden": 4,
            "T": 5,
            "layers": 2,
            "bidirectional": True,
            "tutorial": True,
        }
    )
    assert frame["type"] == "gradcheck" and frame["passed"] is True
    assert frame["worst"] < 1e-6
    assert {"U1", "W1", "W1'", "U2'", "V", "V'", "c"} <= set(frame["weights"])
    assert all(w["passed"] == (w["max_rel_error"] < 1e-6) for w in frame["weights"].values())
    numeric, analytic = np.array(frame["weights"]["W1"]["samples"]).T
    np.testing.assert_allclose(numeric, analytic, rtol=1e-5, atol=1e-9)
    tut = frame["tutorial"]
    assert tut["identity_buggy"]["passed"] is True  # the tutorial's check cannot see the bug
    assert tut["tanh_buggy"]["passed"] is False and tut["tanh_correct"]["passed"] is True
    assert ws.ask({"type": "gradcheck", "hidden": 17})["code"] == "limit"
    assert ws.ask({"type": "gradcheck", "T": 13})["code"] == "limit"


def test_vanishing_norms_shrink_for_a_small_radius(ws):
    frame = ws.ask(
        {"type": "vanishing", "activation": "tanh", "radius": 0.5, "T": 30, "hidden": 16, "seed": 3}
    )
    ratio = np.array(frame["ratio"])
    assert frame["T"] == 30 and len(frame["delta_norm"]) == 30 and ratio[-1] == 1.0
    assert ratio[0] < 1e-5
    assert np.all(np.array(frame["delta_norm"]) <= np.array(frame["bound"]) * (1 + 1e-9))
    assert frame["nan_at"] is None and frame["beta_f"] == 1.0
    assert frame["beta"] == pytest.approx(frame["beta_W"] * frame["beta_f"], rel=1e-12)
    assert frame["bound"][0] == pytest.approx(frame["beta"] ** 29, rel=1e-9)  # ‖δ_T‖ = 1


def test_exploding_norms_report_where_nan_appears_and_clipping(ws):
    frame = ws.ask(
        {
            "type": "vanishing",
            "activation": "identity",
            "radius": 80,
            "T": 200,
            "hidden": 8,
            "clip": 5,
        }
    )
    assert frame["nonfinite"] is True and frame["nan_at"] is not None
    assert None in frame["delta_norm"]
    growing = ws.ask(
        {
            "type": "vanishing",
            "activation": "identity",
            "radius": 1.5,
            "T": 20,
            "hidden": 8,
            "clip": 1,
        }
    )
    assert growing["ratio"][0] > 1 and growing["clipped_grad_norm"] == pytest.approx(1.0)
    assert growing["grad_norm"] > 1
    assert ws.ask({"type": "vanishing", "T": 201})["code"] == "limit"


def test_a_huge_finite_delta_is_no_overflow_and_nan_at_marks_where_delta_overflows(ws):
    # W = 10·I over 200 steps: ‖δ_1‖ ≈ 10^199, finite although its square is not
    frame = ws.ask(
        {"type": "vanishing", "activation": "identity", "radius": 10, "T": 200, "hidden": 8}
    )
    assert frame["nan_at"] is None and None not in frame["delta_norm"]
    # W = 100·I: δ's own entries pass 1.8e308 about 154 steps back
    frame = ws.ask(
        {"type": "vanishing", "activation": "identity", "radius": 100, "T": 200, "hidden": 8}
    )
    norms = frame["delta_norm"]
    first_null = max(k for k, n in enumerate(norms) if n is None) + 1  # BPTT visits T..1
    assert frame["nonfinite"] is True
    assert frame["nan_at"] == first_null


def test_a_saturated_forward_pass_still_carries_the_unit_delta_back(ws):
    # f = identity, W = 10·I: the softmax saturates (a language model's own δ_T would be 0),
    # but 式3 carries the given unit δ_T back: ‖δ_k‖/‖δ_T‖ = 10^(T−k), exactly the bound
    frame = ws.ask(
        {
            "type": "vanishing",
            "activation": "identity",
            "init": "identity",
            "radius": 10,
            "T": 30,
            "hidden": 8,
            "clip": 5,
        }
    )
    powers = 10.0 ** np.arange(29, -1, -1)  # (T,) 10^(T−k), k = 1..T
    np.testing.assert_allclose(frame["ratio"], powers, rtol=1e-12)
    np.testing.assert_allclose(frame["bound"], powers, rtol=1e-12)
    assert frame["delta_norm"][-1] == pytest.approx(1.0, rel=1e-12)
    assert frame["nan_at"] is None and frame["nonfinite"] is False
    assert frame["grad_norm"] > 5 and frame["clipped_grad_norm"] == pytest.approx(5.0)


def test_vanishing_frame_equals_the_engines_carried_delta_for_the_same_seed(ws):
    frame = ws.ask(
        {"type": "vanishing", "activation": "sigmoid", "radius": 2, "T": 25, "hidden": 6, "seed": 4}
    )
    rng = np.random.default_rng(4)
    model = RNNLM(16, 6, activation="sigmoid", bias=False, seed=4, radius=2)
    inputs = rng.integers(0, 16, 25)
    run = carried_delta(model, inputs, unit_delta(rng, 6))
    assert frame["delta_norm"] == run.delta_norm.tolist() and frame["ratio"] == run.ratio.tolist()
    assert frame["bound"] == run.bound.tolist() and frame["beta_f"] == 0.25


def test_vocab_lists_words_by_id_and_ping_answers(ws):
    frame = ws.ask({"type": "vocab", "offset": 0, "limit": 7})
    assert frame["words"][:5] == ["<pad>", "<unk>", "<s>", "</s>", "<blank>"]
    assert len(frame["words"]) == 7 and frame["size"] > 7
    assert ws.ask({"type": "ping"})["type"] == "pong"
