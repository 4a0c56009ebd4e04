"""The engine's loss and every gradient against an independent reverse-mode autograd.

The reference below knows nothing of BPTT: it records each elementary operation of the forward
pass (式1, 式2) on a tape and differentiates the tape backwards. If the engine's
hand-written 式3-式8 disagree with it anywhere (an index error, a missed output
contribution, a wrong chain order in a deep bidirectional net), these tests fail.
It is the same check acceptance makes with PyTorch.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_core import RNNLM

TOL = 1e-10


class Node:
    """A value on the tape; `grad` is dLoss/dvalue once `backward` has run."""

    def __init__(self, value, parents=(), backward_fns=()):
        self.value = np.asarray(value, dtype=np.float64)
        self.parents = parents
        self.backward_fns = backward_fns  # one function per parent: upstream grad -> parent grad
        self.grad = np.zeros_like(self.value)


def matvec(A, v):  # A (n, m), v (B, m) -> (B, n), rows: v @ A^T
    return Node(v.value @ A.value.T, (A, v), (lambda g: g.T @ v.value, lambda g: g @ A.value))


def columns(U, ids):  # U x_t with x_t one-hot: U[:, ids]^T -> (B, n)
    def back(g):
        dU = np.zeros_like(U.value)
        np.add.at(dU.T, ids, g)
        return dU

    return Node(U.value[:, ids].T, (U,), (back,))


def add(*nodes):
    shape = np.broadcast(*[n.value for n in nodes]).shape

    def unbroadcast(g, value):
        while g.ndim > value.ndim:
            g = g.sum(axis=0)
        return g

    return Node(
        sum(n.value for n in nodes),
        nodes,
        tuple((lambda g, n=n: unbroadcast(np.broadcast_to(g, shape), n.value)) for n in nodes),
    )


ACT = {
    "tanh": (np.tanh, lambda net, s: 1 - s**2),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda net, s: s * (1 - s)),
    "relu": (lambda z: np.maximum(z, 0), lambda net, s: (net > 0).astype(float)),
    "identity": (lambda z: z.copy(), lambda net, s: np.ones_like(net)),
}


def activate(net, name):
    f, fp = ACT[name]
    s = f(net.value)
    return Node(s, (net,), (lambda g: g * fp(net.value, s),))


def mean_cross_entropy(logits_by_t, targets):  # list over t of (B, N); targets (B, T)
    scored = targets != -100
    n_scored = scored.sum()
    loss = 0.0
    grads = []
    for t, z in enumerate(logits_by_t):
        z = z.value
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = np.zeros_like(z)
        for b in range(z.shape[0]):
            if scored[b, t]:
                loss -= np.log(p[b, targets[b, t]])
                g[b] = p[b]
                g[b, targets[b, t]] -= 1
        grads.append(g / n_scored)
    out = Node(
        loss / n_scored, tuple(logits_by_t), tuple((lambda g, gz=gz: g * gz) for gz in grads)
    )
    return out


def topo(node, seen, order):
    if id(node) in seen:
        return
    seen.add(id(node))
    for parent in node.parents:
        topo(parent, seen, order)
    order.append(node)


def reference_loss_and_grads(model, inputs, targets):
    """Loss and gradients of `model` on (B, T) ids, by the tape, in float64."""
    cfg = model.config
    leaves = {k: Node(v) for k, v in model.params.items()}
    B, T = inputs.shape
    states = {}  # chain key -> list over t of (B, H) nodes
    for layer in range(1, cfg.num_layers + 1):
        for primed in [False, True] if cfg.bidirectional else [False]:
            key = f"{layer}'" if primed else str(layer)
            below = None if layer == 1 else states[f"{layer - 1}'" if primed else str(layer - 1)]
            order = range(T - 1, -1, -1) if primed else range(T)
            s_prev = Node(np.zeros((B, cfg.hidden_size)))
            chain = [None] * T
            for t in order:
                ux = (
                    columns(leaves[f"U{key}"], inputs[:, t])
                    if below is None
                    else matvec(leaves[f"U{key}"], below[t])
                )
                terms = [ux, matvec(leaves[f"W{key}"], s_prev)]
                if cfg.bias:
                    terms.append(leaves[f"b{key}"])
                s_prev = chain[t] = activate(add(*terms), cfg.activation)
            states[key] = chain
    top = cfg.num_layers
    logits = []
    for t in range(T):
        terms = [matvec(leaves["V"], states[str(top)][t])]
        if cfg.bidirectional:
            terms.append(matvec(leaves["V'"], states[f"{top}'"][t]))
        if cfg.bias:
            terms.append(leaves["c"])
        logits.append(add(*terms))
    loss = mean_cross_entropy(logits, targets)
    order = []
    topo(loss, set(), order)
    loss.grad = np.ones(())
    for node in reversed(order):
        for parent, fn in zip(node.parents, node.backward_fns, strict=True):
            parent.grad = parent.grad + fn(node.grad)
    return float(loss.value), {k: leaf.grad for k, leaf in leaves.items()}


def random_case(
    seed, vocab, hidden, layers, bidirectional, activation, bias, B, T, cell="rnn", scale=0.6
):
    rng = np.random.default_rng(seed)
    model = RNNLM(
        vocab,
        hidden,
        num_layers=layers,
        bidirectional=bidirectional,
        activation=activation,
        bias=bias,
        seed=seed,
        dtype="float64",
        cell=cell,
    )
    for p in model.params.values():  # weights large enough that f is far from linear
        p[...] = rng.normal(0.0, scale, size=p.shape)
    inputs = rng.integers(0, vocab, size=(B, T))
    targets = rng.integers(0, vocab, size=(B, T))
    targets[rng.random((B, T)) < 0.25] = -100
    targets[0, 0] = 1  # at least one scored position
    return model, inputs, targets


def assert_matches_reference(model, inputs, targets):
    loss, grads = model.loss_and_grads(inputs, targets)
    ref_loss, ref_grads = reference_loss_and_grads(model, inputs, targets)
    assert loss == pytest.approx(ref_loss, rel=TOL)
    assert set(grads) == set(ref_grads)
    for name in grads:
        np.testing.assert_allclose(grads[name], ref_grads[name], rtol=1e-7, atol=TOL, err_msg=name)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
@pytest.mark.parametrize(
    ("layers", "bidirectional"), [(1, False), (1, True), (2, False), (3, True)]
)
def test_engine_gradients_equal_reference_autograd(activation, layers, bidirectional):
    model, inputs, targets = random_case(7, 11, 5, layers, bidirectional, activation, True, 3, 6)
    assert_matches_reference(model, inputs, targets)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    hidden=st.integers(1, 6),
    layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    B=st.integers(1, 3),
    T=st.integers(1, 7),
)
def test_engine_matches_reference_for_random_shapes(
    seed, hidden, layers, bidirectional, bias, B, T
):
    model, inputs, targets = random_case(seed, 9, hidden, layers, bidirectional, "tanh", bias, B, T)
    assert_matches_reference(model, inputs, targets)


def test_trace_of_one_sentence_equals_reference():
    model, inputs, targets = random_case(3, 12, 6, 2, True, "tanh", True, 1, 8)
    trace = model.trace(inputs[0], targets[0])
    ref_loss, ref_grads = reference_loss_and_grads(model, inputs, targets)
    assert trace.loss == pytest.approx(ref_loss, rel=TOL)
    for name, g in ref_grads.items():
        np.testing.assert_allclose(trace.grads[name], g, rtol=1e-7, atol=TOL, err_msg=name)
