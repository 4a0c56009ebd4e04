"""BPTT gradients against central differences, and the tutorial's blind gradient check."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rnn_core import RNNLM, gradient_check, nonlinear_gradient_check, tutorial_gradient_check
from rnn_core.activations import get_activation
from rnn_core.gradcheck import TutorialRecurrentLayer, relative_error

ACTIVATIONS = ["tanh", "relu", "sigmoid", "identity"]


def _random_batch(rng, V, B, T, mask_fraction=0.3):
    x = rng.integers(0, V, (B, T))
    y = rng.integers(0, V, (B, T))
    y[rng.random((B, T)) < mask_fraction] = -100
    y[0, 0] = rng.integers(0, V)  # at least one scored position
    return x, y


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_every_weight_matches_central_differences(activation, bidirectional):
    m = RNNLM(7, 4, num_layers=2, bidirectional=bidirectional, activation=activation, seed=5)
    x, y = _random_batch(np.random.default_rng(1), 7, 2, 5)
    result = gradient_check(m, x, y, max_entries=12)
    assert result.passed, result.rel_error
    assert set(result.rel_error) == set(m.params)


@settings(max_examples=20, deadline=None)
@given(
    activation=st.sampled_from(ACTIVATIONS),
    bidirectional=st.booleans(),
    num_layers=st.integers(1, 3),
    bias=st.booleans(),
    T=st.integers(3, 6),
    B=st.integers(1, 2),
    H=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_gradient_check_passes_for_random_configurations(
    activation, bidirectional, num_layers, bias, T, B, H, seed
):
    V = 5
    m = RNNLM(V, H, num_layers, bidirectional, activation, bias, seed=seed)
    x, y = _random_batch(np.random.default_rng(seed), V, B, T)
    if activation == "relu":  # relu has a kink at net = 0 (a dead unit feeding a bias-free layer)
        assume(_min_abs_net(m, x, y) > 1e-3)
    result = gradient_check(m, x, y, max_entries=6, seed=seed)
    for name in result.rel_error:
        numeric, analytic = result.numeric[name], result.analytic[name]
        # Central differences (float64, eps 1e-5) carry about 1e-11 of rounding error, which
        # outweighs a gradient below 1e-6 in a relative error: hence the absolute floor.
        assert np.allclose(numeric, analytic, rtol=1e-5, atol=1e-9), (name, numeric, analytic)


def _min_abs_net(m, x, y):
    traces = [m.trace(x[b], np.where(y[b] < 0, 0, y[b])) for b in range(x.shape[0])]
    return min(np.abs(c.net).min() for tr in traces for c in tr.chains.values())


def test_gradient_check_runs_float32_models_in_float64():
    m = RNNLM(6, 3, dtype="float32")
    x, y = _random_batch(np.random.default_rng(2), 6, 1, 4)
    result = gradient_check(m, x, y, max_entries=None)
    assert result.passed
    assert result.numeric["W1"].shape == (9,) and result.indices["W1"].tolist() == list(range(9))
    assert m.params["W1"].dtype == np.float32


def test_gradient_check_reports_pairs_for_a_scatter_plot():
    m = RNNLM(6, 3)
    result = gradient_check(m, np.array([1, 2, 3]), np.array([2, 3, 4]), max_entries=4)
    d = result.to_dict()
    assert d["passed"] is True
    pairs = d["weights"]["V"]
    assert len(pairs["numeric"]) == len(pairs["analytic"]) == len(pairs["indices"]) == 4
    np.testing.assert_allclose(pairs["numeric"], pairs["analytic"], rtol=1e-6, atol=1e-10)


def test_relative_error_sees_a_wrong_gradient():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, -2.0])) > 0.5
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


# ---- the tutorial's own check -------------------------------------------------------------


@pytest.mark.parametrize("buggy", [False, True])
def test_tutorial_check_passes_with_and_without_the_bug(buggy):
    result = tutorial_gradient_check(buggy=buggy)
    assert result.passed
    assert result.numeric.shape == (2, 2)


def test_nonlinear_check_fails_on_the_buggy_layer_and_passes_on_the_correct_one():
    correct = nonlinear_gradient_check(buggy=False)
    buggy = nonlinear_gradient_check(buggy=True)
    assert correct.passed and correct.rel_error < 1e-8
    assert not buggy.passed and buggy.rel_error > 0.1


def test_two_steps_hide_the_bug_even_with_tanh_because_s0_is_zero():
    assert nonlinear_gradient_check(buggy=True, steps=2).passed
    assert not nonlinear_gradient_check(buggy=True, steps=3).passed


def test_buggy_layer_overwrites_states_with_derivatives():
    rng = np.random.default_rng(0)
    layer = TutorialRecurrentLayer(3, 2, get_activation("tanh"), rng, buggy=True, scale=0.5)
    for x in [rng.uniform(-1, 1, (3, 1)) for _ in range(3)]:
        layer.forward(x)
    s2 = layer.state_list[2].copy()
    layer.backward(np.ones((2, 1)))
    np.testing.assert_allclose(layer.state_list[2], 1 - s2**2)


def test_correct_tutorial_layer_matches_rnnlm_bptt():
    """The ported layer's ∇W and RNNLM's agree for the same weights and error."""
    rng = np.random.default_rng(3)
    layer = TutorialRecurrentLayer(4, 3, get_activation("tanh"), rng, buggy=False, scale=0.5)
    ids = [1, 3, 0, 2]
    for i in ids:
        layer.forward(np.eye(4)[:, [i]])
    layer.backward(1 - layer.state_list[-1] ** 2)  # E = Σ s_T
    # the same δ by hand, 式3 one step at a time
    delta = 1 - layer.state_list[-1][:, 0] ** 2
    grad = np.outer(delta, layer.state_list[3][:, 0])
    for k in (3, 2, 1):
        delta = (delta @ layer.W) * (1 - layer.state_list[k][:, 0] ** 2)
        grad += np.outer(delta, layer.state_list[k - 1][:, 0])
    np.testing.assert_allclose(layer.gradient, grad)
