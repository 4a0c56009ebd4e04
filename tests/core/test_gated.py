"""LSTM and GRU chains (rnn_core.gated): loss and every gradient against the independent tape
autograd of test_autograd_reference (extended with σ, products and gate slices), against central
differences in float64, and truncated BPTT against the tape on a graph cut k steps back."""

import io
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_core import RNNLM
from rnn_core.io import load, save
from rnn_core.model import RNNConfig, param_shapes
from tests.core.central import assert_central_differences
from tests.core.test_autograd_reference import (
    Node,
    activate,
    add,
    columns,
    matvec,
    mean_cross_entropy,
    topo,
)
from tests.core.test_autograd_reference import random_case as reference_case

TOL = 1e-10


def rows(P, lo, hi):  # a gate's block P[lo:hi] of a stacked weight
    def back(g):
        out = np.zeros_like(P.value)
        out[lo:hi] = g
        return out

    return Node(P.value[lo:hi], (P,), (back,))


def mul(a, b):
    return Node(a.value * b.value, (a, b), (lambda g: g * b.value, lambda g: g * a.value))


def one_minus(a):
    return Node(1.0 - a.value, (a,), (lambda g: -g,))


def const(value):
    return Node(np.array(value, dtype=np.float64))


def gate_net(leaves, key, q, H, x_t, below_t, h_prev, bias, scale=None):
    """U_q x_t + W_q h_{t-1} (times `scale` when given: the GRU's r_t) + b_q, as tape nodes."""
    lo, hi = q * H, (q + 1) * H
    U = rows(leaves[f"U{key}"], lo, hi)
    ux = columns(U, x_t) if below_t is None else matvec(U, below_t)
    wh = matvec(rows(leaves[f"W{key}"], lo, hi), h_prev)
    terms = [ux, wh if scale is None else mul(scale, wh)]
    if bias:
        terms.append(rows(leaves[f"b{key}"], lo, hi))
    return add(*terms)


def cell_step(cell, leaves, key, H, x_t, below_t, h_prev, c_prev, bias):
    """One step of NOTATION.md's gated equations on the tape: (h_t, c_t)."""
    if cell == "lstm":
        f = activate(gate_net(leaves, key, 0, H, x_t, below_t, h_prev, bias), "sigmoid")
        i = activate(gate_net(leaves, key, 1, H, x_t, below_t, h_prev, bias), "sigmoid")
        g = activate(gate_net(leaves, key, 2, H, x_t, below_t, h_prev, bias), "tanh")
        o = activate(gate_net(leaves, key, 3, H, x_t, below_t, h_prev, bias), "sigmoid")
        c = add(mul(f, c_prev), mul(i, g))
        return mul(o, activate(c, "tanh")), c
    z = activate(gate_net(leaves, key, 0, H, x_t, below_t, h_prev, bias), "sigmoid")
    r = activate(gate_net(leaves, key, 1, H, x_t, below_t, h_prev, bias), "sigmoid")
    g = activate(gate_net(leaves, key, 2, H, x_t, below_t, h_prev, bias, scale=r), "tanh")
    return add(mul(z, h_prev), mul(one_minus(z), g)), None


def tape_forward(model, leaves, inputs, cut=None, values=None):
    """States of every chain as tape nodes. cut = (j, k): the recurrence into the steps more than
    k − 1 steps before j (after j, for a backward chain) reads constants (values of a full pass):
    truncated BPTT's graph for the error injected at j."""
    cfg = model.config
    B, T = inputs.shape
    H = cfg.hidden_size
    states, cells = {}, {}
    for layer in range(1, cfg.num_layers + 1):
        for primed in [False, True] if cfg.bidirectional else [False]:
            key = f"{layer}'" if primed else str(layer)
            below = None if layer == 1 else states[f"{layer - 1}'" if primed else str(layer - 1)]
            order = range(T - 1, -1, -1) if primed else range(T)
            h_prev = const(np.zeros((B, H)))
            c_prev = const(np.zeros((B, H)))
            chain, cell_states = [None] * T, [None] * T
            for t in order:
                if cut is not None:
                    j, k = cut
                    first = t == (j + k - 1 if primed else j - k + 1)
                    if first and 0 <= t < T and t != (T - 1 if primed else 0):
                        prev = t + 1 if primed else t - 1
                        h_prev = const(values[key][0][prev].value)
                        if cfg.cell == "lstm":
                            c_prev = const(values[key][1][prev].value)
                below_t = None if below is None else below[t]
                h, c = cell_step(
                    cfg.cell, leaves, key, H, inputs[:, t], below_t, h_prev, c_prev, cfg.bias
                )
                chain[t], cell_states[t] = h, c
                h_prev, c_prev = h, c
            states[key], cells[key] = chain, cell_states
    return states, cells


def tape_grads(model, inputs, targets, cut=None, values=None, only=None):
    """Loss and gradients by the tape; `only` = j scores the loss at step j alone (still divided
    by the number of scored targets of the whole batch, as the mean loss is)."""
    cfg = model.config
    leaves = {k: Node(v) for k, v in model.params.items()}
    states, cells = tape_forward(model, leaves, inputs, cut, values)
    top = cfg.num_layers
    logits = []
    for t in range(inputs.shape[1]):
        terms = [matvec(leaves["V"], states[str(top)][t])]
        if cfg.bidirectional:
            terms.append(matvec(leaves["V'"], states[f"{top}'"][t]))
        if cfg.bias:
            terms.append(leaves["c"])
        logits.append(add(*terms))
    if only is not None:
        masked = np.full_like(targets, -100)
        masked[:, only] = targets[:, only]
        n_all = (targets != -100).sum()
        n_here = (masked != -100).sum()
        loss = mean_cross_entropy(logits, masked)
        scale = n_here / n_all
    else:
        loss = mean_cross_entropy(logits, targets)
        scale = 1.0
    order = []
    topo(loss, set(), order)
    loss.grad = np.ones(()) * scale
    for node in reversed(order):
        for parent, fn in zip(node.parents, node.backward_fns, strict=True):
            parent.grad = parent.grad + fn(node.grad)
    return float(loss.value), {k: leaf.grad for k, leaf in leaves.items()}, (states, cells)


def random_case(seed, cell, vocab, hidden, layers, bidirectional, bias, B, T):
    """test_autograd_reference's random case for a gated cell, its weights far from the gates'
    linear range."""
    return reference_case(
        seed, vocab, hidden, layers, bidirectional, "tanh", bias, B, T, cell=cell, scale=0.8
    )


def assert_close(grads, ref):
    assert set(grads) == set(ref)
    for name in grads:
        np.testing.assert_allclose(grads[name], ref[name], rtol=1e-7, atol=TOL, err_msg=name)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize(
    ("layers", "bidirectional"), [(1, False), (1, True), (2, False), (3, True)]
)
def test_gated_gradients_equal_the_tape(cell, layers, bidirectional):
    model, inputs, targets = random_case(5, cell, 11, 4, layers, bidirectional, True, 3, 6)
    loss, grads = model.loss_and_grads(inputs, targets)
    ref_loss, ref, _ = tape_grads(model, inputs, targets)
    assert loss == pytest.approx(ref_loss, rel=TOL)
    assert_close(grads, ref)


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    cell=st.sampled_from(["lstm", "gru"]),
    hidden=st.integers(1, 5),
    layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    B=st.integers(1, 3),
    T=st.integers(1, 7),
)
def test_gated_matches_the_tape_for_random_shapes(
    seed, cell, hidden, layers, bidirectional, bias, B, T
):
    model, inputs, targets = random_case(seed, cell, 9, hidden, layers, bidirectional, bias, B, T)
    loss, grads = model.loss_and_grads(inputs, targets)
    ref_loss, ref, _ = tape_grads(model, inputs, targets)
    assert loss == pytest.approx(ref_loss, rel=TOL)
    assert_close(grads, ref)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_truncated_gated_bptt_equals_the_tape_cut_k_steps_back(cell, bidirectional, k):
    """Each output's error reaches its step and k − 1 earlier ones (later ones for s'), along h
    and along c: the sum over j of the tape's gradient of loss_j on a graph cut there."""
    model, inputs, targets = random_case(11, cell, 8, 3, 1, bidirectional, True, 2, 6)
    _, grads = model.loss_and_grads(inputs, targets, truncate=k)
    _, _, (states, cells) = tape_grads(model, inputs, targets)
    values = {key: (states[key], cells[key]) for key in states}
    total = {name: np.zeros_like(p) for name, p in model.params.items()}
    for j in range(inputs.shape[1]):
        if (targets[:, j] == -100).all():
            continue
        _, g, _ = tape_grads(model, inputs, targets, cut=(j, k), values=values, only=j)
        for name in total:
            total[name] += g[name]
    assert_close(grads, total)
    _, full = model.loss_and_grads(inputs, targets, truncate=6)
    _, exact = model.loss_and_grads(inputs, targets)
    assert_close(full, exact)  # k ≥ T is full BPTT


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_gradients_equal_central_differences(cell):
    model, inputs, targets = random_case(3, cell, 7, 3, 2, True, True, 2, 5)
    _, grads = model.loss_and_grads(inputs, targets)
    assert_central_differences(model.params, lambda: model.loss(inputs, targets)[0], grads, 6)


def test_gated_weights_are_stacked_gates_and_the_lstm_forget_bias_starts_at_one():
    lstm = RNNConfig(10, 4, cell="lstm")
    gru = RNNConfig(10, 4, num_layers=2, cell="gru", bidirectional=True)
    assert param_shapes(lstm)["U1"] == (16, 10) and param_shapes(lstm)["W1"] == (16, 4)
    assert param_shapes(gru)["U2'"] == (12, 4) and param_shapes(gru)["b1"] == (12,)
    b = RNNLM.new(lstm).params["b1"]
    assert (b[:4] == 1).all() and (b[4:] == 0).all()


def test_a_gated_config_is_checked():
    with pytest.raises(ValueError, match="cell must be one of rnn, lstm, gru"):
        RNNConfig(10, 4, cell="transformer")
    with pytest.raises(ValueError, match="activation must be tanh"):
        RNNConfig(10, 4, cell="gru", activation="relu")


def test_a_gated_model_saves_and_loads_and_generates_the_same():
    model, inputs, _ = random_case(2, "gru", 9, 3, 2, False, True, 1, 4)
    buffer = io.BytesIO()
    save(buffer, model)
    loaded = load(io.BytesIO(buffer.getvalue()))
    loaded_model = loaded.model
    assert loaded_model.config == model.config
    np.testing.assert_array_equal(loaded_model.forward(inputs)[0], model.forward(inputs)[0])


def test_the_forward_states_are_the_cell_outputs():
    """h_t of the forward pass equals the tape's, step by step (so the page can draw h_t = s_t)."""
    model, inputs, _ = random_case(9, "lstm", 6, 3, 1, True, True, 2, 5)
    _, states = model.forward(inputs)
    leaves = {k: Node(v) for k, v in model.params.items()}
    tape, _ = tape_forward(model, leaves, inputs)
    for key, chain in tape.items():
        np.testing.assert_allclose(
            states[key], np.stack([h.value for h in chain], axis=1), rtol=1e-12
        )


def test_a_version_1_file_still_loads_as_an_rnn(tmp_path):
    model = RNNLM(8, 3, seed=4)
    path = tmp_path / "old.npz"
    save(path, model)
    with np.load(path, allow_pickle=False) as npz:
        arrays = dict(npz)
    config = json.loads(str(arrays["config"]))
    del config["cell"]  # what a version 1 writer wrote
    arrays["config"] = np.array(json.dumps(config))
    arrays["format_version"] = np.array(1)
    old = tmp_path / "v1.npz"
    np.savez(old, **arrays)
    loaded = load(old).model
    assert loaded.config.cell == "rnn" and loaded.config == model.config
    arrays["config"] = np.array(json.dumps(config | {"cell": "lstm"}))
    np.savez(old, **arrays)
    with pytest.raises(ValueError, match="version 1 file has no cell"):
        load(old)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_connectivity_is_the_gradient_of_the_error_at_t_with_respect_to_each_input(
    cell, bidirectional
):
    """With every word once in the sentence, ∇U1's column x_k (loss at t alone) is what reaches
    the input at k, so ∂E_t/∂x_k = U1ᵀ that column (+ the backward chain's)."""
    activation = "tanh"
    model = RNNLM(12, 4, bidirectional=bidirectional, cell=cell, activation=activation, seed=3)
    rng = np.random.default_rng(1)
    for p in model.params.values():
        p[...] = rng.normal(0.0, 0.7, size=p.shape)
    x = np.array([0, 5, 2, 7, 9, 4])
    y = np.array([5, 2, 7, 9, 4, 1])
    t = 4
    strip = model.connectivity(x, y, t)
    only = np.full_like(y, -100)
    only[t] = y[t]
    _, grads = model.loss_and_grads(x, only)
    expected = np.zeros((len(x), 12))
    for key in ["1", "1'"] if bidirectional else ["1"]:
        expected += (model.params[f"U{key}"].T @ grads[f"U{key}"][:, x]).T
    np.testing.assert_allclose(strip, np.linalg.norm(expected, axis=1), rtol=1e-10, atol=1e-14)
    if not bidirectional:
        assert (strip[t + 1 :] == 0).all() and strip[t] > 0
    with pytest.raises(ValueError, match="t must be a position"):
        model.connectivity(x, y, 6)


def test_the_remedy_verdict_follows_the_share_that_reaches_the_first_word():
    from rnn_core.remedies import REACHES, VANISHES, remedy_view, verdict_of
    from rnn_core.text import Vocab

    assert verdict_of(REACHES) == "reaches" and verdict_of(REACHES * 0.99) == "fades"
    assert verdict_of(VANISHES) == "fades" and verdict_of(VANISHES * 0.99) == "vanishes"
    assert verdict_of(float("nan")) == "vanishes"
    vocab = Vocab.build([["i", "was", "late", "me"]])
    model = RNNLM(len(vocab), 4, cell="gru", seed=1)
    view = remedy_view(model, vocab, ["i", "was", "late", "me"])
    assert view.t == 3 and view.relative[3] == 1.0
    assert view.reach == pytest.approx(view.strip[1] / view.strip[3])
    with pytest.raises(ValueError, match="at least two words"):
        remedy_view(model, vocab, ["me"])
    with pytest.raises(ValueError, match="t must be a position"):
        remedy_view(model, vocab, ["i", "me"], t=5)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize(("layers", "bidirectional"), [(1, False), (2, True)])
def test_the_trace_of_a_gated_chain_equals_the_tape(cell, layers, bidirectional):
    """δ_h = ∂E/∂h_t and δ_c = ∂E/∂c_t of every step as the tape finds them; the per-time
    gradients (式5, 式8) sum to the weights' gradients; the shares add up to δ_h."""
    model, inputs, targets = random_case(4, cell, 9, 3, layers, bidirectional, True, 1, 6)
    trace = model.trace(inputs[0], targets[0])
    loss, grads, (states, cells) = tape_grads(model, inputs, targets)
    assert trace.loss == pytest.approx(loss, rel=TOL)
    assert_close(trace.grads, grads)
    T = inputs.shape[1]
    for key, chain in trace.chains.items():
        assert chain.cell == cell
        want_h = np.stack([states[key][t].grad[0] for t in range(T)])
        np.testing.assert_allclose(chain.delta, want_h, rtol=1e-7, atol=TOL)
        np.testing.assert_allclose(
            chain.delta_out + chain.delta_time + chain.delta_up, chain.delta, rtol=1e-12, atol=TOL
        )
        if cell == "lstm":
            want_c = np.stack([cells[key][t].grad[0] for t in range(T)])
            np.testing.assert_allclose(chain.delta_c, want_c, rtol=1e-7, atol=TOL)
        np.testing.assert_allclose(chain.s, np.stack([states[key][t].value[0] for t in range(T)]))
        last = chain.visit_order()[-1]
        np.testing.assert_allclose(trace.grad_W_sum(key, last), trace.grads[f"W{key}"], rtol=1e-9)
        if chain.a_in is None:
            np.testing.assert_allclose(
                trace.grad_U_sum(key, last), trace.grads[f"U{key}"], rtol=1e-9
            )


def _chain_gates(chain):
    from rnn_core.gated import split_gates

    return split_gates(chain.cell, chain.gates)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_the_trace_splits_the_error_into_the_gated_path_and_the_rest(cell, bidirectional):
    """delta_carry is what the gated path brings back with no W and no f′: f_{t+1} ∘ δ_{c,t+1}
    (LSTM, within δ_c) or z_{t+1} ∘ δ_{h,t+1} (GRU, within δ_h); 0 at the chain's last step.
    The rest of δ_c is δ_h ∘ o ∘ (1 − tanh² c)."""
    model = RNNLM(9, 4, bidirectional=bidirectional, cell=cell, activation="tanh", seed=2)
    rng = np.random.default_rng(5)
    for p in model.params.values():
        p[...] = rng.normal(0.0, 0.6, size=p.shape)
    x, y = np.array([1, 4, 2, 8, 3, 6]), np.array([4, 2, 8, 3, 6, 0])
    trace = model.trace(x, y)
    for chain in trace.chains.values():
        g = _chain_gates(chain)
        step = -1 if chain.direction == "backward" else 1
        T = len(x)
        for t in range(T):
            nxt = t + step
            if not 0 <= nxt < T:
                np.testing.assert_array_equal(chain.delta_carry[t], 0.0)
                continue
            if cell == "lstm":
                want = g["f"][nxt] * chain.delta_c[nxt]
            else:
                want = g["z"][nxt] * chain.delta[nxt]
            np.testing.assert_allclose(chain.delta_carry[t], want, rtol=1e-12, atol=1e-15)
        if cell == "lstm":
            tanh_c = np.tanh(chain.c)
            rest = chain.delta * g["o"] * (1 - tanh_c**2)
            np.testing.assert_allclose(chain.delta_c - chain.delta_carry, rest, atol=1e-13)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_truncated_trace_keeps_the_split_and_truncating_at_T_changes_nothing(cell):
    model = RNNLM(9, 3, cell=cell, activation="tanh", seed=4)
    x, y = np.array([1, 4, 2, 8, 3, 6]), np.array([4, 2, 8, 3, 6, 0])
    full = model.trace(x, y).chains["1"]
    same = model.trace(x, y, truncate=len(x)).chains["1"]
    np.testing.assert_allclose(same.delta_carry, full.delta_carry, rtol=1e-12, atol=1e-15)
    cut = model.trace(x, y, truncate=1).chains["1"]  # nothing travels back: nothing carried
    np.testing.assert_array_equal(cut.delta_carry, 0.0)
    two = model.trace(x, y, truncate=2).chains["1"]
    if cell == "lstm":
        g = _chain_gates(two)
        rest = two.delta * g["o"] * (1 - np.tanh(two.c) ** 2)
        np.testing.assert_allclose(two.delta_c - two.delta_carry, rest, atol=1e-13)
    assert np.abs(two.delta_carry[:-1]).sum() > 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_forward_inside_gives_the_forward_pass_and_every_gate_by_name(cell):
    model = RNNLM(9, 3, num_layers=2, cell=cell, activation="tanh", seed=4)
    x = np.array([1, 4, 2, 8])
    o, states, inside = model.forward_inside(x)
    o2, states2 = model.forward(x)
    np.testing.assert_array_equal(o, o2)
    for key in states2:
        np.testing.assert_array_equal(states[key], states2[key])
    if cell == "rnn":
        assert inside == {}
        return
    trace = model.trace(x, np.array([4, 2, 8, 0]))
    for key, parts in inside.items():
        names = {"lstm": ["f", "i", "c_tilde", "o", "c"], "gru": ["z", "r", "h_tilde"]}[cell]
        assert list(parts) == names
        for name, values in _chain_gates(trace.chains[key]).items():
            np.testing.assert_allclose(parts[name], values, rtol=1e-12)
        if cell == "lstm":
            np.testing.assert_allclose(parts["c"], trace.chains[key].c, rtol=1e-12)


def test_a_recipes_keep_bias_sets_the_keep_gate_only():
    from rnn_core.fit import Recipe, new_model

    H = 4
    gru = new_model(Recipe(hidden_size=H, cell="gru", activation="tanh", keep_bias=3.0), 12)
    b = gru.params["b1"]
    np.testing.assert_array_equal(b[:H], 3.0)  # z, the share of h_{t−1} kept
    np.testing.assert_array_equal(b[H:], 0.0)
    lstm = new_model(Recipe(hidden_size=H, cell="lstm", activation="tanh", num_layers=2), 12)
    for key in ("1", "2"):
        np.testing.assert_array_equal(lstm.params[f"b{key}"][:H], 1.0)  # b_f = 1 by default
    lstm = new_model(Recipe(hidden_size=H, cell="lstm", activation="tanh", keep_bias=2.0), 12)
    np.testing.assert_array_equal(lstm.params["b1"][:H], 2.0)
    np.testing.assert_array_equal(lstm.params["b1"][H:], 0.0)
    with pytest.raises(ValueError, match="gated cells"):
        new_model(Recipe(hidden_size=H, keep_bias=1.0), 12)
