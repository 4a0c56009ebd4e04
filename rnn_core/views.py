"""Small read-only summaries of engine arrays for the views: top-k, norms, where NaN starts;
and the tutorial's single SGD step on one sentence, which a view shows weight by weight.

Pure NumPy; the server (app/) calls these instead of doing arithmetic on weights itself.
"""

from dataclasses import dataclass

import numpy as np

from .model import RNNLM, ChainTrace, Trace
from .optim import SGD, clip_grad_norm
from .optim import norm as optim_norm


def top_k(p: np.ndarray, k: int, skip: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """The k largest entries of every row, largest first; NaN counts as smallest. The ids in
    `skip` (e.g. <unk>, which names no word) are never among them.

    p (..., N) -> ids (..., k) int64, values (..., k); k at most N minus the skipped ids
    """
    ranked = np.where(np.isnan(p), -np.inf, p)  # (..., N)
    columns = np.setdiff1d(np.arange(p.shape[-1]), skip) if skip else None  # (N',) kept ids
    if columns is not None:
        ranked = ranked[..., columns]  # (..., N')
    k = min(k, ranked.shape[-1])
    ids = np.argpartition(-ranked, k - 1, axis=-1)[..., :k]  # (..., k) unordered
    order = np.argsort(-np.take_along_axis(ranked, ids, axis=-1), axis=-1, kind="stable")
    ids = np.take_along_axis(ids, order, axis=-1)  # (..., k)
    if columns is not None:
        ids = columns[ids]  # back to the vocabulary's ids
    return ids, np.take_along_axis(p, ids, axis=-1)


def norm(a: np.ndarray) -> float:
    """Frobenius (Euclidean for a vector) norm in float64, optim.norm's rule: finite while
    every entry is, inf or nan when a holds a non-finite entry."""
    return optim_norm(np.asarray(a, dtype=np.float64))


def moved(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """after − before in float64: what an update did to a weight (nan where either is not
    finite)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(after, dtype=np.float64) - before


def change_norm(before: np.ndarray, after: np.ndarray) -> float:
    """‖after − before‖, how far an update moved a weight."""
    return norm(moved(before, after))


def all_finite(*arrays: np.ndarray) -> bool:
    """True when no array holds NaN or ±inf."""
    return all(bool(np.isfinite(a).all()) for a in arrays)


def first_nonfinite(rows: np.ndarray) -> int | None:
    """Index of the first row (axis 0) holding NaN or ±inf, None if every row is finite.

    rows (T, ...) -> index in 0..T-1 or None
    """
    bad = ~np.isfinite(rows.reshape(rows.shape[0], -1)).all(axis=1)  # (T,)
    return int(np.argmax(bad)) if bad.any() else None


def first_nonfinite_step(chain: ChainTrace) -> int | None:
    """The first step (1-based t) BPTT reaches, in its visiting order, whose δ is not finite
    (its ‖δ‖ is inf or NaN exactly then: optim.row_norms); None if every δ is finite."""
    order = chain.visit_order()
    i = first_nonfinite(chain.delta_norm[order])
    return None if i is None else order[i] + 1


def trace_nan_at(trace: Trace) -> int | None:
    """The first time step (1-based) where a pass stops being finite: the forward pass first
    (o_t or any s_t), then the backward pass in the order it visits the steps."""
    rows = (trace.o, *(c.s for c in trace.chains.values()))
    forward = [i for i in (first_nonfinite(r) for r in rows) if i is not None]
    if forward:
        return min(forward) + 1
    backward = (first_nonfinite_step(c) for c in trace.chains.values())
    return next((t for t in backward if t is not None), None)


def net_parts(
    params: dict[str, np.ndarray],
    key: str,
    x: np.ndarray,
    a_in: np.ndarray | None,
    s_prev: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The two terms of 式2's net_t = U x_t + W s_{t-1} (+ b) for every t of one chain.

    x (T,) word ids (layer 1, whose U x_t is column x_t of U), a_in (T, H_in) the states of the
    chain below (higher layers), s_prev (T, H) -> U x_t (T, H), W s_{t-1} (T, H)
    """
    U, W = params[f"U{key}"], params[f"W{key}"]  # (H, H_in), (H, H)
    Ux = U.T[x] if a_in is None else a_in @ U.T  # (T, H)
    return Ux, s_prev @ W.T  # (T, H), (T, H)


def label_loss(p: np.ndarray) -> np.ndarray:
    """−log p (T,): each position's cross-entropy against its one-hot label, −log o_t[y_t]."""
    with np.errstate(divide="ignore"):
        return -np.log(np.asarray(p, dtype=np.float64))


def mean_loss(p: np.ndarray) -> tuple[float, float]:
    """The mean of −log p over the positions and its exp: a sentence's cross-entropy per word
    and its perplexity (nan for no position)."""
    losses = label_loss(p)
    if losses.size == 0:
        return float("nan"), float("nan")
    mean = float(losses.mean())
    with np.errstate(over="ignore"):
        return mean, float(np.exp(mean))


def running_product(p: np.ndarray) -> np.ndarray:
    """p_1, p_1 p_2, p_1 p_2 p_3, ... (T,): the probability of a sentence so far."""
    return np.cumprod(np.asarray(p, dtype=np.float64))


@dataclass
class SentenceStep:
    """What sgd_step did: the loss before and after, ‖∇‖ of every weight, whether it clipped,
    and whether it was applied (not when the loss or a gradient was NaN/inf)."""

    loss_before: float
    loss_after: float
    grad_norms: dict[str, float]
    clipped: bool
    applied: bool


def sgd_step(
    model: RNNLM,
    x: np.ndarray,
    y: np.ndarray,
    lr: float,
    clip: float | None,
    truncate: int | None,
) -> SentenceStep:
    """The tutorial's update W ← W − η ∇W E of every weight, on one sentence, in place.

    x, y (T,) word ids. The gradient is first clipped to norm `clip` (None: not clipped); a
    non-finite loss or gradient leaves every weight as it was.
    """
    loss_before, grads = model.loss_and_grads(x, y, truncate=truncate)
    grad_norms = {name: norm(g) for name, g in grads.items()}
    applied = bool(np.isfinite(loss_before)) and all_finite(*grads.values())
    clipped = False
    if applied:
        if clip is not None:
            clipped = clip_grad_norm(grads, clip)[1]
        SGD(lr).step(model.params, grads)
    loss_after = model.loss(x, y)[0]
    return SentenceStep(loss_before, loss_after, grad_norms, clipped, applied)
