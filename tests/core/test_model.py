"""RNNLM: construction, forward 式1/式2, BPTT 式3-式8 and the trace."""

import numpy as np
import pytest

from rnn_core import RNNLM, RNNConfig, is_finite, softmax
from rnn_core.losses import cross_entropy, softmax_cross_entropy


def _data(V: int, B: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))


# ---- tutorial numbers -------------------------------------------------------------------


def test_softmax_of_tutorial_example_rounds_to_tutorial_values():
    o = softmax(np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(o, [0.0320586, 0.0871443, 0.2368828, 0.6439143], atol=1e-7)
    assert np.round(o, 2).tolist() == [0.03, 0.09, 0.24, 0.64]
    assert o.sum() == pytest.approx(1.0)


def test_cross_entropy_of_tutorial_example():
    # the tutorial's 3.51 is -ln 0.03, the rounded output; the exact softmax gives -ln 0.0321
    o = np.array([[0.03, 0.09, 0.24, 0.64]])
    assert cross_entropy(o, np.array([0])) == pytest.approx(3.5066, abs=1e-4)
    exact = softmax(np.array([[1.0, 2.0, 3.0, 4.0]]))
    assert cross_entropy(exact, np.array([0])) == pytest.approx(3.4402, abs=1e-4)


def test_fused_softmax_cross_entropy_matches_separate_and_ignores_minus_100():
    logits = np.random.default_rng(1234).standard_normal((5, 7))
    y = np.array([1, -100, 6, 0, -100])
    loss, o, e = softmax_cross_entropy(logits, y)
    scored = y != -100
    assert loss == pytest.approx(cross_entropy(softmax(logits)[scored], y[scored]))
    onehot = np.eye(7)[y[scored]]
    np.testing.assert_allclose(e[scored], (o[scored] - onehot) / 3)
    assert not e[~scored].any()


def test_softmax_is_stable_for_huge_logits():
    o = softmax(np.array([1000.0, 1001.0]))
    np.testing.assert_allclose(o, [1 / (1 + np.e), np.e / (1 + np.e)])


# ---- construction -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"hidden_size": 0}, "hidden_size must be 1..512"),
        ({"hidden_size": 513}, "hidden_size must be 1..512"),
        ({"vocab_size": 1}, "vocab_size must be 2..1000000"),
        ({"num_layers": 5}, "num_layers must be 1..4"),
        ({"activation": "gelu"}, "activation must be one of tanh, relu, sigmoid, identity"),
        ({"dtype": "float16"}, "dtype must be float32 or float64"),
        ({"init": "he"}, "init must be one of tutorial, xavier, orthogonal, identity"),
        ({"radius": -1.0}, "radius must be None or a number in (0, 100]"),
        ({"bidirectional": "yes"}, "bidirectional must be True or False"),
    ],
)
def test_bad_arguments_raise_precise_value_errors(kwargs, message):
    args = {"vocab_size": 10, "hidden_size": 4} | kwargs
    with pytest.raises(ValueError) as err:
        RNNLM(**args)
    assert str(err.value) == message


def test_parameter_names_follow_the_tutorial():
    m = RNNLM(10, 4, num_layers=2, bidirectional=True)
    assert list(m.params) == [
        "U1", "W1", "b1", "U1'", "W1'", "b1'", "U2", "W2", "b2", "U2'", "W2'", "b2'",
        "V", "V'", "c",
    ]  # fmt: skip
    assert m.params["U1"].shape == (4, 10)
    assert m.params["U2'"].shape == (4, 4)
    assert m.params["V'"].shape == (10, 4)
    assert list(RNNLM(10, 4, bias=False).params) == ["U1", "W1", "V"]


def test_same_seed_same_weights_and_different_seed_different_weights():
    a, b, c = RNNLM(10, 4, seed=3), RNNLM(10, 4, seed=3), RNNLM(10, 4, seed=4)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_init_schemes_and_spectral_radius():
    tut = RNNLM(10, 6, init="tutorial")
    assert np.abs(tut.params["W1"]).max() <= 1e-4 and np.abs(tut.params["U1"]).max() <= 1e-4
    orth = RNNLM(10, 6, init="orthogonal").params["W1"]
    np.testing.assert_allclose(orth @ orth.T, np.eye(6), atol=1e-12)
    ident = RNNLM(10, 6, init="identity", radius=0.5).params["W1"]
    np.testing.assert_allclose(ident, 0.5 * np.eye(6))
    W = RNNLM(10, 6, radius=1.7).params["W1"]
    assert np.abs(np.linalg.eigvals(W)).max() == pytest.approx(1.7)


def test_params_are_live():
    m = RNNLM(6, 3)
    x = np.array([1, 2, 3])
    before, _ = m.forward(x)
    m.params["V"][:] = 0.0
    m.params["c"][:] = 0.0
    after, _ = m.forward(x)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, 1 / 6)


def test_copy_is_independent():
    m = RNNLM(6, 3)
    c = m.copy()
    c.params["W1"] += 1.0
    assert not np.allclose(m.params["W1"], c.params["W1"])


# ---- forward --------------------------------------------------------------------------------


def test_forward_follows_equations_1_and_2():
    m = RNNLM(5, 3, activation="tanh")
    p = m.params
    x = np.array([4, 0, 2])
    probs, states = m.forward(x)
    s = np.zeros(3)
    for t, word in enumerate(x):
        s = np.tanh(p["U1"] @ np.eye(5)[word] + p["W1"] @ s + p["b1"])  # 式2
        np.testing.assert_allclose(states["1"][t], s)
        np.testing.assert_allclose(probs[t], softmax(p["V"] @ s + p["c"]))  # 式1


def test_bidirectional_output_reads_both_chains_and_backward_chain_runs_from_the_end():
    m = RNNLM(5, 3, bidirectional=True)
    p = m.params
    x = np.array([1, 3, 2, 4])
    probs, states = m.forward(x)
    s_back = np.zeros(3)
    for t in range(3, -1, -1):
        s_back = np.tanh(p["U1'"][:, x[t]] + p["W1'"] @ s_back + p["b1'"])
        np.testing.assert_allclose(states["1'"][t], s_back)
    o = softmax(p["V"] @ states["1"][1] + p["V'"] @ states["1'"][1] + p["c"])
    np.testing.assert_allclose(probs[1], o)


def test_deep_bidirectional_chains_read_their_own_direction_below():
    m = RNNLM(5, 3, num_layers=2, bidirectional=True)
    tr = m.trace(np.array([1, 2, 3]), np.array([2, 3, 4]))
    np.testing.assert_array_equal(tr.chains["2"].a_in, tr.chains["1"].s)
    np.testing.assert_array_equal(tr.chains["2'"].a_in, tr.chains["1'"].s)


def test_batch_rows_equal_single_sequences():
    m = RNNLM(7, 4, num_layers=2, bidirectional=True)
    x, _ = _data(7, 3, 5)
    probs, states = m.forward(x)
    assert probs.shape == (3, 5, 7) and states["2'"].shape == (3, 5, 4)
    for b in range(3):
        one, _ = m.forward(x[b])
        np.testing.assert_allclose(probs[b], one)
    np.testing.assert_allclose(probs.sum(-1), 1.0)


def test_bad_inputs_raise_value_errors():
    m = RNNLM(5, 3)
    with pytest.raises(ValueError, match="input ids must be 0..4"):
        m.forward(np.array([1, 5]))
    with pytest.raises(ValueError, match="targets shape"):
        m.loss_and_grads(np.array([1, 2]), np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="target ids must be 0..4 or -100"):
        m.loss_and_grads(np.array([1, 2]), np.array([1, -1]))
    with pytest.raises(ValueError, match="truncate must be None or an integer ≥ 1"):
        m.loss_and_grads(np.array([1, 2]), np.array([1, 2]), truncate=0)


# ---- loss, masks, NaN ----------------------------------------------------------------------


def test_loss_is_mean_cross_entropy_over_scored_targets():
    m = RNNLM(6, 4)
    x, y = np.array([[1, 2, 3, 0]]), np.array([[2, -100, 4, 5]])
    probs, _ = m.forward(x)
    loss, _ = m.loss_and_grads(x, y)
    expected = -np.mean(np.log([probs[0, 0, 2], probs[0, 2, 4], probs[0, 3, 5]]))
    assert loss == pytest.approx(expected)


def test_unscored_target_value_changes_nothing():
    m = RNNLM(6, 4, bidirectional=True)
    x = np.array([1, 2, 3, 0])
    loss_a, grads_a = m.loss_and_grads(x, np.array([2, -100, 4, 5]))
    probs, _ = m.forward(x)
    masked = m.loss_and_grads(x, np.array([2, -100, 4, 5]))[0]
    assert loss_a == masked
    full, _ = m.loss_and_grads(x, np.array([2, 0, 4, 5]))
    assert full != loss_a
    assert all(np.isfinite(g).all() for g in grads_a.values())


def test_diverged_model_reports_nan_instead_of_raising():
    m = RNNLM(5, 3, activation="identity", bias=False)
    m.params["W1"][:] = 1e300
    m.params["U1"][:] = 1e300
    loss, grads = m.loss_and_grads(np.array([1, 2, 3, 4]), np.array([2, 3, 4, 0]))
    assert not np.isfinite(loss)
    assert not is_finite(grads)
    assert is_finite(RNNLM(5, 3).loss_and_grads(np.array([1, 2]), np.array([2, 3]))[1])


def test_trace_of_a_model_with_nan_weights_reports_instead_of_raising():
    m = RNNLM(5, 3, bidirectional=True)
    m.params["W1"][0, 0] = np.nan
    tr = m.trace(np.array([1, 2, 3]), np.array([2, 3, 4]))
    assert np.isnan(tr.loss) and not is_finite(tr.grads)
    assert np.isnan(tr.chains["1"].beta_W) and np.isfinite(tr.chains["1'"].beta_W)


def test_float32_model_computes_in_float32_and_matches_float64():
    m64 = RNNLM(9, 5, num_layers=2, bidirectional=True)
    m32 = m64.astype("float32")
    x, y = _data(9, 2, 6)
    loss64, g64 = m64.loss_and_grads(x, y)
    loss32, g32 = m32.loss_and_grads(x, y)
    assert all(g.dtype == np.float32 for g in g32.values())
    assert m32.forward(x)[0].dtype == np.float32
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], atol=1e-5)


# ---- trace and 式5/式6/式8 ------------------------------------------------------------------


@pytest.mark.parametrize("bidirectional", [False, True])
def test_trace_grads_equal_loss_and_grads(bidirectional):
    m = RNNLM(8, 4, num_layers=2, bidirectional=bidirectional)
    x, y = np.array([1, 2, 3, 4, 5]), np.array([2, 3, -100, 5, 6])
    loss, grads = m.loss_and_grads(x, y)
    tr = m.trace(x, y)
    assert tr.loss == loss
    assert np.nanmean(tr.loss_t) == pytest.approx(loss)
    assert np.isnan(tr.loss_t[2])
    for k in grads:
        # to the last bits, not bit for bit: loss_and_grads scores only the targeted rows, so
        # its matrices have other shapes, and OpenBLAS's Zen kernels then sum in another order
        np.testing.assert_allclose(tr.grads[k], grads[k], rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(tr.o.sum(1), 1.0)
    assert not tr.e[2].any()


@pytest.mark.parametrize("key", ["1", "1'", "2", "2'"])
def test_per_time_gradients_sum_to_total_equation_6_and_8(key):
    m = RNNLM(8, 4, num_layers=2, bidirectional=True)
    tr = m.trace(np.array([1, 2, 3, 4, 5, 7]), np.array([2, 3, 4, 5, 6, 0]))
    T = 6
    sum_W = sum(tr.grad_W_t(key, t) for t in range(T))  # 式6
    sum_U = sum(tr.grad_U_t(key, t) for t in range(T))  # 式8
    np.testing.assert_allclose(sum_W, tr.grads[f"W{key}"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sum_U, tr.grads[f"U{key}"], rtol=1e-12, atol=1e-15)
    first = tr.chains[key].visit_order()[-1]
    np.testing.assert_allclose(tr.grad_W_sum(key, first), tr.grads[f"W{key}"], rtol=1e-12)
    np.testing.assert_allclose(tr.grad_U_sum(key, first), tr.grads[f"U{key}"], rtol=1e-12)


def test_grad_U_col_is_the_only_nonzero_column_of_equation_8():
    m = RNNLM(8, 4)
    tr = m.trace(np.array([1, 2, 3]), np.array([2, 3, 4]))
    index, column = tr.grad_U_col("1", 1)
    full = tr.grad_U_t("1", 1)
    assert index == 2
    np.testing.assert_array_equal(full[:, 2], column)
    assert np.count_nonzero(np.delete(full, 2, axis=1)) == 0


def test_running_sum_grows_in_visit_order():
    m = RNNLM(8, 4)
    tr = m.trace(np.array([1, 2, 3, 4]), np.array([2, 3, 4, 5]))
    np.testing.assert_allclose(tr.grad_W_sum("1", 3), tr.grad_W_t("1", 3))
    np.testing.assert_allclose(
        tr.grad_W_sum("1", 2), tr.grad_W_t("1", 3) + tr.grad_W_t("1", 2), rtol=1e-12
    )


def test_delta_splits_into_output_time_and_layer_above():
    m = RNNLM(8, 4, num_layers=2, bidirectional=True)
    tr = m.trace(np.array([1, 2, 3, 4, 5]), np.array([2, 3, 4, 5, 6]))
    for key, c in tr.chains.items():
        np.testing.assert_allclose(c.delta, c.delta_out + c.delta_time + c.delta_up, atol=1e-15)
        assert not (c.delta_up if key.startswith("2") else c.delta_out).any()
    top = tr.chains["2"]
    V, e, fprime = m.params["V"], tr.e, top.fprime
    np.testing.assert_allclose(top.delta_out, (e @ V) * fprime)  # own output's share
    np.testing.assert_allclose(top.delta_time[3], (top.delta[4] @ m.params["W2"]) * fprime[3])
    assert not top.delta_time[4].any()
    below = tr.chains["1"]
    up = (top.delta @ m.params["U2"]) * below.fprime  # 式4
    np.testing.assert_allclose(below.delta_up, up)


def test_fprime_is_taken_at_net_k():
    m = RNNLM(8, 4, activation="relu")
    tr = m.trace(np.array([1, 2, 3, 4]), np.array([2, 3, 4, 5]))
    c = tr.chains["1"]
    np.testing.assert_array_equal(c.fprime, (c.net > 0).astype(float))
    np.testing.assert_allclose(
        c.delta[1], (c.delta[2] @ m.params["W1"] + tr.e[1] @ m.params["V"]) * c.fprime[1]
    )


def test_norms_and_bound():
    m = RNNLM(8, 4, bidirectional=True, activation="sigmoid")
    tr = m.trace(np.array([1, 2, 3, 4]), np.array([2, 3, 4, 5]))
    c = tr.chains["1"]
    assert c.beta_f == 0.25
    assert c.beta_W == pytest.approx(np.linalg.svd(m.params["W1"], compute_uv=False)[0])
    np.testing.assert_allclose(c.dW_norm[2], np.linalg.norm(tr.grad_W_t("1", 2)))
    np.testing.assert_allclose(c.dU_norm[2], np.linalg.norm(tr.grad_U_t("1", 2)))
    np.testing.assert_allclose(
        c.bound, c.delta_norm[3] * (c.beta_W * 0.25) ** np.array([3, 2, 1, 0])
    )
    back = tr.chains["1'"]
    np.testing.assert_allclose(back.bound[0], back.delta_norm[0])
    assert np.all(np.diff(back.bound) <= 0)


def test_trace_to_dict_is_json_ready():
    import json

    m = RNNLM(6, 3, bidirectional=True)
    d = m.trace(np.array([1, 2, 3]), np.array([2, -100, 4])).to_dict()
    text = json.dumps(d)
    assert d["loss_t"][1] is None and '"1\'"' in text


# ---- truncated BPTT ------------------------------------------------------------------------


def test_truncated_equals_full_when_k_at_least_T_and_differs_below():
    m = RNNLM(8, 4, num_layers=2, bidirectional=True)
    x, y = _data(8, 2, 5)
    _, full = m.loss_and_grads(x, y)
    for k in (5, 6, 50):
        _, g = m.loss_and_grads(x, y, truncate=k)
        for name in full:
            np.testing.assert_allclose(g[name], full[name], rtol=1e-12, atol=1e-15)
    for k in (1, 2, 3, 4):
        _, g = m.loss_and_grads(x, y, truncate=k)
        assert not np.allclose(g["U1"], full["U1"])
        np.testing.assert_array_equal(g["V"], full["V"])
    # k = T-1 only cuts the share that reaches t = 0, where s_prev = 0: ∇W cannot see it
    _, g3 = m.loss_and_grads(x, y, truncate=3)
    assert not np.allclose(g3["W1"], full["W1"])


def test_truncated_bptt_sends_each_output_error_at_most_k_steps():
    m = RNNLM(6, 3, bias=False)
    x, y = np.array([1, 2, 3, 4, 5, 0]), np.array([2, 3, 4, 5, 0, 1])
    k = 3
    tr_full = m.trace(x, y)
    c = tr_full.chains["1"]
    W = m.params["W1"]
    expected = np.zeros_like(c.delta)
    for j in range(6):  # each output's own share, carried back k-1 steps by 式3
        d = tr_full.chains["1"].delta_out[j]
        expected[j] += d
        for t in range(j - 1, max(j - k, -1), -1):
            d = (d @ W) * c.fprime[t]
            expected[t] += d
    tr = m.trace(x, y, truncate=k)
    np.testing.assert_allclose(tr.chains["1"].delta, expected, rtol=1e-12)
    np.testing.assert_allclose(tr.grads["W1"], expected.T @ c.s_prev, rtol=1e-12)
    one = m.trace(x, y, truncate=1).chains["1"]
    np.testing.assert_allclose(one.delta, one.delta_out)
    assert not one.delta_time.any()


def test_new_from_a_config_is_the_keyword_form():
    config = RNNConfig(
        12, 5, num_layers=2, bidirectional=True, activation="relu", seed=3, init="orthogonal"
    )
    a = RNNLM.new(config)
    b = RNNLM(**config.to_dict())
    assert a.config == b.config
    assert all(np.array_equal(a.params[k], b.params[k]) for k in b.params)


@pytest.mark.parametrize(
    "positions, vocab_size, hidden, hot",
    [
        (40, 30, 8, 0),  # a few positions: added in place
        (700, 10000, 16, 0),  # few repeats (a large vocabulary): first rows copied, repeats added
        (700, 10000, 16, 30),  # the same, one word 30 more times: its last repeats by add.at
        (1024, 40, 16, 0),  # most words repeat (text): reduced along δᵀ's rows
    ],
)
def test_grad_U_of_one_hot_inputs_equals_the_dense_product_in_every_scatter(
    positions, vocab_size, hidden, hot
):
    """∇U = Σ_t δ_t x_tᵀ for one-hot x_t, whichever way the scatter sums it, equals δᵀ X with X
    the one-hot matrix (float64), and is laid out as the engine keeps U (column-major); its
    sparse form holds exactly the columns of the words that occur."""
    from rnn_core.model import _column_sums

    rng = np.random.default_rng(0)
    delta = rng.standard_normal((positions, hidden))  # (M, H)
    ids = rng.integers(0, vocab_size, positions)  # (M,)
    ids[rng.choice(positions, hot, replace=False)] = 7
    one_hot = np.zeros((positions, vocab_size))
    one_hot[np.arange(positions), ids] = 1.0
    columns = _column_sums(delta, ids, vocab_size)
    grad = columns.dense()  # (H, N)
    np.testing.assert_allclose(grad, delta.T @ one_hot, rtol=1e-12, atol=1e-12)
    assert grad.shape == (hidden, vocab_size) and grad.T.flags.c_contiguous
    np.testing.assert_array_equal(columns.words, np.unique(ids))
    assert columns.cols.flags.c_contiguous and columns.shape == (hidden, vocab_size)
    np.testing.assert_array_equal(columns.cols, grad[:, columns.words].T)
