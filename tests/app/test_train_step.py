"""The tutorial's single SGD step on one sentence: the update is rnn_core's (views.sgd_step),
the server only reports it; an exploding step is reported with nan_at and a remedy."""

import numpy as np
import pytest

from rnn_core import RNNLM
from rnn_core.views import sgd_step

X = np.array([2, 7, 5, 9, 4])  # (T,) word ids of a short sentence
Y = np.array([7, 5, 9, 4, 3])  # (T,) its next words


@pytest.mark.parametrize("clip", [None, 0.05])
def test_sgd_step_is_w_minus_eta_times_the_clipped_gradient(clip):
    model = RNNLM(12, 6, activation="tanh", seed=3)
    before = {name: p.copy() for name, p in model.params.items()}
    loss, grads = model.loss_and_grads(X, Y)
    total = np.sqrt(sum((g**2).sum() for g in grads.values()))
    scale = 1.0 if clip is None else min(1.0, clip / total)
    step = sgd_step(model, X, Y, lr=0.3, clip=clip, truncate=None)
    assert step.applied and step.loss_before == loss
    assert step.clipped == (clip is not None)
    for name, p in model.params.items():
        np.testing.assert_allclose(p, before[name] - 0.3 * scale * grads[name], rtol=1e-12)
        assert step.grad_norms[name] == pytest.approx(np.sqrt((grads[name] ** 2).sum()))
    assert step.loss_after == model.loss(X, Y)[0] and step.loss_after < step.loss_before


def test_sgd_step_leaves_the_weights_alone_when_the_gradient_is_not_finite():
    model = RNNLM(12, 6, activation="identity", seed=3)
    model.params["W1"][...] = np.eye(6) * 1e200  # s_t overflows within a few steps
    before = {name: p.copy() for name, p in model.params.items()}
    step = sgd_step(model, X, Y, lr=0.3, clip=5.0, truncate=None)
    assert not step.applied and not step.clipped
    for name, p in model.params.items():
        np.testing.assert_array_equal(p, before[name])


def test_an_exploding_step_is_reported_with_nan_at_and_clipping_as_the_remedy(ws):
    ws.ask({"type": "configure", "activation": "relu", "radius": 50, "clip": None, "lr": 0.1})
    long_sentence = " ".join(["my phone is broken ,"] * 12)  # 60 tokens: s_t grows as 50^t
    frame = ws.ask({"type": "train", "action": "step", "text": long_sentence})
    assert frame["type"] == "train_step" and frame["nonfinite"]
    assert frame["nan_at"] == 1 and "clip" in frame["note"]
    assert ws.ask({"type": "predict", "text": "we like apples ."})["type"] == "predict"
    ws.ask({"type": "configure", "hidden_size": 8, "clip": 5.0})
    calm = ws.ask({"type": "train", "action": "step", "text": "we like apples ."})
    assert calm["nan_at"] is None and calm["note"] is None and not calm["nonfinite"]
