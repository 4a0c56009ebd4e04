"""A given δ_T carried back through 式3 equals the explicit product of Jacobians W diag[f'(net_i)],
stays under the tutorial's bound, and marks where it stops being finite."""

import numpy as np
import pytest

from rnn_core import RNNLM
from rnn_core.optim import row_norms
from rnn_core.vanishing import carried_delta, carry_back, first_nonfinite_from_end, unit_delta

TOL = 1e-12  # relative: the same products in another order


def jacobian_product(W: np.ndarray, fprime: np.ndarray, k: int, T: int) -> np.ndarray:
    """∏_{i=k}^{T-1} W diag[f'(net_i)] for 1-based k, as one (H, H) matrix.

    The factors stand in the order δ_T meets them: i = T-1 leftmost, i = k rightmost.
    """
    J = np.eye(W.shape[0])
    for i in range(T - 1, k - 1, -1):
        J = J @ W @ np.diag(fprime[i - 1])
    return J


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
def test_carried_delta_is_delta_T_times_the_product_of_jacobians(activation):
    model = RNNLM(9, 3, activation=activation, bias=False, seed=2, radius=1.3)
    inputs = np.array([4, 1, 7, 7, 0])  # (T,) T = 5
    delta_T = unit_delta(np.random.default_rng(0), 3)
    run = carried_delta(model, inputs, delta_T)
    chain = model.trace(inputs, np.full(5, -100)).chains["1"]
    W = model.params["W1"]
    for k in range(1, 6):
        expected = delta_T @ jacobian_product(W, chain.fprime, k, 5)  # 式3: δ_k^T
        np.testing.assert_allclose(run.delta[k - 1], expected, rtol=TOL, atol=1e-15)
    assert run.delta_norm[-1] == pytest.approx(1.0, rel=TOL) and run.ratio[-1] == 1.0


def test_tanh_jacobians_use_f_prime_at_net_k_not_at_net_k_plus_1():
    model = RNNLM(6, 2, activation="tanh", bias=False, seed=4, radius=2.0)
    inputs = np.array([1, 5, 2])
    run = carried_delta(model, inputs, np.array([1.0, 0.0]))
    net = model.trace(inputs, np.full(3, -100)).chains["1"].net  # (T, H)
    W = model.params["W1"]
    delta_2 = (np.array([1.0, 0.0]) @ W) * (1 - np.tanh(net[1]) ** 2)  # f'(net_2)
    np.testing.assert_allclose(run.delta[1], delta_2, rtol=TOL)


def test_unit_delta_is_seeded_and_has_norm_one():
    a = unit_delta(np.random.default_rng(7), 32)
    b = unit_delta(np.random.default_rng(7), 32)
    assert np.array_equal(a, b) and np.linalg.norm(a) == pytest.approx(1.0, rel=TOL)
    assert a.dtype == np.float64 and a.shape == (32,)


def test_norms_stay_under_the_bound_and_the_bound_is_the_tutorials():
    model = RNNLM(16, 8, activation="tanh", bias=False, seed=3, radius=1.5)
    inputs = np.random.default_rng(3).integers(0, 16, 40)
    run = carried_delta(model, inputs, unit_delta(np.random.default_rng(3), 8))
    beta = np.linalg.norm(model.params["W1"], 2) * 1.0  # β_W β_f, β_f = 1 for tanh
    np.testing.assert_allclose(run.bound, beta ** np.arange(39, -1, -1), rtol=1e-10)
    assert np.all(run.delta_norm <= run.bound * (1 + 1e-9))


def test_saturated_identity_network_still_has_a_real_exploding_curve():
    # f = identity, W = 10 I: the forward states blow up and softmax saturates, yet 式3 is exact
    model = RNNLM(16, 4, activation="identity", bias=False, seed=0, init="identity", radius=10)
    run = carried_delta(model, np.arange(12) % 16, np.array([0.6, 0.8, 0.0, 0.0]))
    np.testing.assert_allclose(run.ratio, 10.0 ** np.arange(11, -1, -1), rtol=1e-12)
    np.testing.assert_allclose(run.bound, run.ratio, rtol=1e-12)  # the bound is reached
    assert run.nan_at is None


def test_a_norm_whose_squares_overflow_is_still_finite_and_nan_at_marks_real_overflow():
    model = RNNLM(16, 4, activation="identity", bias=False, seed=0, init="identity", radius=10)
    # 200 steps of W = 10 I: ‖δ_1‖ = 10^199, its square 10^398 overflows float64, the norm does not
    run = carried_delta(model, np.zeros(200, dtype=int), np.array([0.6, 0.8, 0.0, 0.0]))
    assert run.nan_at is None and np.isfinite(run.delta_norm).all()
    np.testing.assert_allclose(run.ratio[:3], 10.0 ** np.array([199, 198, 197]), rtol=1e-9)
    # 400 steps: δ's own entries pass 1.8e308; nan_at is the first step from the end where they do
    run = carried_delta(model, np.zeros(400, dtype=int), np.array([0.6, 0.8, 0.0, 0.0]))
    finite_entries = np.isfinite(run.delta).all(axis=1)  # (T,)
    k = run.nan_at
    assert k is not None and not finite_entries[k - 1] and finite_entries[k:].all()
    assert not np.isfinite(run.delta_norm[k - 1]) and np.isfinite(run.delta_norm[k:]).all()
    assert first_nonfinite_from_end(np.array([np.nan, 1.0, np.inf, 2.0, 1.0])) == 3


def test_row_norms_agree_with_numpy_and_survive_overflowing_squares():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(7, 5))
    np.testing.assert_allclose(row_norms(a), np.linalg.norm(a, axis=1), rtol=1e-14)
    big = np.array([[3e200, 4e200], [np.inf, 1.0], [np.nan, 0.0], [0.0, 0.0]])
    out = row_norms(big)
    np.testing.assert_allclose(out[0], 5e200, rtol=1e-14)
    assert np.isinf(out[1]) and np.isnan(out[2]) and out[3] == 0.0
    assert first_nonfinite_from_end(np.ones(4)) is None


def test_gradients_are_the_sums_of_equations_5_and_8_over_the_carried_deltas():
    model = RNNLM(6, 3, activation="tanh", bias=False, seed=1)
    inputs = np.array([2, 5, 2, 0])
    run = carried_delta(model, inputs, unit_delta(np.random.default_rng(1), 3))
    s_prev = model.trace(inputs, np.full(4, -100)).chains["1"].s_prev
    grad_W = sum(np.outer(run.delta[k], s_prev[k]) for k in range(4))
    grad_U = np.zeros((3, 6))
    for k, x in enumerate(inputs):
        grad_U[:, x] += run.delta[k]
    np.testing.assert_allclose(run.grads["W1"], grad_W, rtol=TOL)
    np.testing.assert_allclose(run.grads["U1"], grad_U, rtol=TOL)


def test_carry_back_overflows_to_inf_without_raising():
    delta = carry_back(np.eye(2) * 1e200, np.ones((3, 2)), np.array([1.0, 0.0]))
    assert delta[1, 0] == 1e200 and np.isinf(delta[0, 0])


def test_a_deep_or_bidirectional_model_is_refused():
    with pytest.raises(ValueError, match="one-layer unidirectional"):
        carried_delta(RNNLM(5, 2, num_layers=2), np.array([1, 2]), np.array([1.0, 0.0]))
