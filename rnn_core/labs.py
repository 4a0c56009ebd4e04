"""The labs' experiments, as the engine runs them and the frames they give (rnn_core.frames'
Record: dataclasses with to_dict(), the fields app.protocol's GradcheckFrame, VanishingFrame,
SoftmaxFrame and TrainStep carry): the random models and seeded draws of the gradient check
and of the exploding/vanishing lab, the tutorial's softmax, and one SGD step on a sentence with
every weight before and after. The server checks a request's limits, calls one of these and
serialises its record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frames import Record, small, vec
from .gradcheck import gradient_check, nonlinear_gradient_check, tutorial_gradient_check
from .losses import cross_entropy, softmax
from .model import RNNLM, RNNConfig
from .optim import clip_grad_norm, grad_norm
from .vanishing import carried_delta, unit_delta
from .views import all_finite, change_norm, moved, norm, sgd_step

GRADCHECK_VOCAB = 7  # words of the random model a gradient check runs on
GRADCHECK_SAMPLES = 20  # checked entries per weight
VANISHING_VOCAB = 16  # words of the random model δ is carried back through
STEP_NOTES = {  # a step that hit NaN/inf, by whether its update was applied
    False: "the loss or a gradient was NaN/inf, so the update was not applied: turn on "
    "gradient clipping (e.g. clip 5) or lower W's spectral radius",
    True: "after this update the loss is NaN/inf: the step was too large. Turn on gradient "
    "clipping (e.g. clip 5) or lower the learning rate",
}


@dataclass
class CheckedWeight(Record):
    """One weight's worst relative error, whether it is below the check's tolerance, and its
    checked entries as (numeric, analytic)."""

    max_rel_error: float
    passed: bool
    samples: list[list[float]]


@dataclass
class Gradcheck(Record):
    """Central differences against BPTT for every weight; with `tutorial`, the tutorial's own
    check (identity f, blind to the calc_delta_k index bug) beside the one with tanh."""

    weights: dict[str, CheckedWeight]
    worst: float
    passed: bool
    tutorial: dict[str, dict] | None


def _summary(result) -> dict:
    """One tutorial-style check as {max_rel_error, passed}."""
    return {"max_rel_error": result.rel_error, "passed": result.passed}


def gradcheck_lab(
    hidden: int,
    layers: int,
    bidirectional: bool,
    activation: str,
    T: int,
    seed: int,
    tutorial: bool,
) -> Gradcheck:
    """A random model of GRADCHECK_VOCAB words and random inputs and targets of length T, all
    drawn from `seed`, its every weight checked at GRADCHECK_SAMPLES entries."""
    rng = np.random.default_rng(seed)
    config = RNNConfig(GRADCHECK_VOCAB, hidden, layers, bidirectional, activation, seed=seed)
    model = RNNLM.new(config)
    inputs = rng.integers(0, GRADCHECK_VOCAB, T)  # (T,)
    targets = rng.integers(0, GRADCHECK_VOCAB, T)  # (T,)
    result = gradient_check(model, inputs, targets, max_entries=GRADCHECK_SAMPLES, seed=seed)
    weights = {
        name: CheckedWeight(
            max_rel_error=err,
            passed=bool(err < result.tolerance),
            samples=[
                list(pair)
                for pair in zip(
                    result.numeric[name].tolist(), result.analytic[name].tolist(), strict=True
                )
            ],
        )
        for name, err in result.rel_error.items()
    }
    checks = None
    if tutorial:
        checks = {
            "identity_correct": _summary(tutorial_gradient_check(False, seed)),
            "identity_buggy": _summary(tutorial_gradient_check(True, seed)),
            "tanh_correct": _summary(nonlinear_gradient_check(False, seed=seed)),
            "tanh_buggy": _summary(nonlinear_gradient_check(True, seed=seed)),
        }
    return Gradcheck(weights, result.max_rel_error, result.passed, checks)


@dataclass
class Vanishing(Record):
    """‖δ_k‖ of a unit δ_T carried back (式3), its ratio to ‖δ_T‖, the bound (β_W β_f)^{T−k},
    where NaN began, and the gradient's norm before and after clipping."""

    T: int
    delta_norm: list[float]
    ratio: list[float]
    bound: list[float]
    beta_W: float
    beta_f: float
    beta: float  # β_W β_f, the factor of the bound per step
    nan_at: int | None
    nonfinite: bool
    grad_norm: float
    clipped_grad_norm: float | None


def vanishing_lab(
    hidden: int,
    activation: str,
    init: str | None,
    radius: float | None,
    T: int,
    clip: float | None,
    seed: int,
) -> Vanishing:
    """A unit δ_T (drawn from `seed`) carried back through 式3 along the forward pass of a
    random model over T random words; clip: the gradient clipped to that norm, as training would
    (clipping scales the whole gradient: it does not bring back a vanished δ_k)."""
    rng = np.random.default_rng(seed)
    config = RNNConfig(
        VANISHING_VOCAB,
        hidden,
        activation=activation,
        bias=False,
        seed=seed,
        init=init or "xavier",
        radius=radius,
    )
    model = RNNLM.new(config)
    inputs = rng.integers(0, VANISHING_VOCAB, T)  # (T,)
    run = carried_delta(model, inputs, unit_delta(rng, hidden))
    total = grad_norm(run.grads)
    clipped = None
    if clip is not None and all_finite(*run.grads.values()):
        clip_grad_norm(run.grads, clip)
        clipped = grad_norm(run.grads)
    return Vanishing(
        T=T,
        delta_norm=vec(run.delta_norm),
        ratio=vec(run.ratio),
        bound=vec(run.bound),
        beta_W=run.beta_W,
        beta_f=run.beta_f,
        beta=run.beta_W * run.beta_f,
        nan_at=run.nan_at,
        nonfinite=not all_finite(run.delta_norm, run.bound),
        grad_norm=total,
        clipped_grad_norm=clipped,
    )


@dataclass
class Softmax(Record):
    """The tutorial's softmax of z and −ln o[label] (None without a label)."""

    z: list[float]
    o: list[float]
    label: int | None
    loss: float | None


def softmax_lab(z: list[float], label: int | None) -> Softmax:
    """softmax(z) in float64 and the cross-entropy against one-hot `label` (0..len(z)-1)."""
    o = softmax(np.asarray(z, dtype=np.float64))  # (N,)
    loss = None if label is None else cross_entropy(o[None, :], np.array([label]))
    return Softmax(z=z, o=vec(o), label=label, loss=loss)


@dataclass
class WeightChange(Record):
    """One weight before and after the step: norms, how far it moved, its gradient's norm and
    the matrices themselves when small enough."""

    shape: list[int]
    norm_before: float
    norm_after: float
    change_norm: float
    grad_norm: float
    before: list | None
    after: list | None
    change: list | None  # after − before, the update −η∇ (clipped) as it landed


@dataclass
class SentenceUpdate(Record):
    """One SGD step on a sentence. nan_at: the training step at which the loss or a gradient
    stopped being finite, 1 (this single step) or None, as in training's progress."""

    tokens: list[str]
    lr: float
    loss_before: float
    loss_after: float
    clipped: bool
    weights: dict[str, WeightChange]
    matrices: bool
    nan_at: int | None
    nonfinite: bool
    note: str | None


def sgd_step_lab(
    model: RNNLM,
    tokens: list[str],
    x: np.ndarray,
    y: np.ndarray,
    lr: float,
    clip: float | None,
    truncate: int | None,
    limit: int,
) -> SentenceUpdate:
    """The tutorial's update W ← W − η ∇W E of every weight on one sentence (x, y (T,) ids), in
    place, with every weight as it was before and is after (matrices up to `limit` rows)."""
    params = model.params
    before = {name: p.copy() for name, p in params.items()}
    step = sgd_step(model, x, y, lr, clip, truncate)
    weights = {
        name: WeightChange(
            shape=list(p.shape),
            norm_before=norm(before[name]),
            norm_after=norm(p),
            change_norm=change_norm(before[name], p),
            grad_norm=step.grad_norms[name],
            before=small(before[name], limit),
            after=small(p, limit),
            change=small(moved(before[name], p), limit),
        )
        for name, p in params.items()
    }
    finite = step.applied and bool(np.isfinite(step.loss_after))
    return SentenceUpdate(
        tokens=tokens,
        lr=lr,
        loss_before=step.loss_before,
        loss_after=step.loss_after,
        clipped=step.clipped,
        weights=weights,
        matrices=model.config.hidden_size <= limit,
        nan_at=None if finite else 1,
        nonfinite=not finite,
        note=None if finite else STEP_NOTES[step.applied],
    )
