"""Non-recurrent dropout while training: with the masks fixed (the same rng seed), the loss and
every gradient agree with central differences in float64, for the RNN and the gated cells, deep
and bidirectional; p = 0 changes nothing; the masks drop units and scale the rest by 1/(1 − p)."""

import numpy as np
import pytest

from rnn_core import RNNLM
from tests.core.central import assert_central_differences


def case(cell, layers, bidirectional, seed=3):
    activation = "tanh"
    model = RNNLM(
        9,
        4,
        num_layers=layers,
        bidirectional=bidirectional,
        cell=cell,
        activation=activation,
        seed=seed,
    )
    rng = np.random.default_rng(seed)
    for p in model.params.values():
        p[...] = rng.normal(0.0, 0.5, size=p.shape)
    inputs = rng.integers(0, 9, size=(2, 6))
    targets = rng.integers(0, 9, size=(2, 6))
    targets[1, 4:] = -100  # a shorter sentence: unscored positions
    return model, inputs, targets


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(("layers", "bidirectional"), [(1, False), (2, False), (2, True)])
def test_dropout_gradients_equal_central_differences_with_the_masks_fixed(
    cell, layers, bidirectional
):
    model, inputs, targets = case(cell, layers, bidirectional)

    def loss_and_grads():
        return model.loss_and_grads(inputs, targets, dropout=0.4, rng=np.random.default_rng(11))

    loss, grads = loss_and_grads()
    plain, _ = model.loss_and_grads(inputs, targets)
    assert loss != plain  # the masks changed what the loss saw
    assert_central_differences(model.params, lambda: loss_and_grads()[0], grads)


def test_no_dropout_is_the_plain_gradient_and_bad_rates_are_refused():
    model, inputs, targets = case("gru", 2, False)
    loss, grads = model.loss_and_grads(inputs, targets)
    same, same_grads = model.loss_and_grads(
        inputs, targets, dropout=0.0, rng=np.random.default_rng(1)
    )
    assert loss == same
    for name in grads:
        np.testing.assert_array_equal(grads[name], same_grads[name])
    with pytest.raises(ValueError, match="dropout must be in"):
        model.loss_and_grads(inputs, targets, dropout=1.0, rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="needs an rng"):
        model.loss_and_grads(inputs, targets, dropout=0.5)


def test_the_masks_drop_units_and_scale_the_kept_ones():
    model, inputs, _ = case("rnn", 1, False)
    x = np.asarray(inputs).T  # (T, B)
    chains = model._forward_chains(x, 0.5, np.random.default_rng(2))
    chain = chains["1"]
    values = np.unique(chain.mask)
    np.testing.assert_array_equal(values, [0.0, 2.0])
    np.testing.assert_array_equal(chain.output(), chain.s * chain.mask)
    assert 0.3 < (chain.mask == 0).mean() < 0.7
    # evaluation never masks: forward is the same with or without a training run before it
    o1, _ = model.forward(inputs)
    model.loss_and_grads(inputs, inputs, dropout=0.5, rng=np.random.default_rng(3))
    o2, _ = model.forward(inputs)
    np.testing.assert_array_equal(o1, o2)
