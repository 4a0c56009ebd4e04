"""Softmax output g (式1) and cross-entropy loss averaged over the scored positions.

A target equal to IGNORE_INDEX (-100) is not scored: it adds nothing to the loss, to the
count N of scored positions, or to the gradient.
"""

import numpy as np

from .blas import blas_threads

IGNORE_INDEX = -100


def _safe_logit(dtype: np.dtype) -> float:
    """|max logit| below which e^z of a whole row neither overflows nor all underflows:
    0.6 ln(float max), 53 in float32 (e^53 · 10^6 words < 3.4e38), 425 in float64."""
    return 0.6 * float(np.log(np.finfo(dtype).max))


def softmax(z: np.ndarray) -> np.ndarray:
    """g(z_i) = e^{z_i} / Σ_k e^{z_k} along the last axis, shifted by max(z) so e^z never overflows.

    z (..., N) -> (..., N)
    """
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # (..., N)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(o: np.ndarray, targets: np.ndarray) -> float:
    """L = -(1/N) Σ_n log o_n[y_n] over the N scored positions (targets != -100); 0.0 if none.

    o (M, N) softmax outputs, targets (M,) ints.
    """
    scored = targets != IGNORE_INDEX  # (M,)
    if not scored.any():
        return 0.0
    picked = o[scored, targets[scored]]  # (N_scored,)
    return float(-np.log(picked).mean())


def softmax_cross_entropy(
    logits: np.ndarray, targets: np.ndarray, keep_probs: bool = True
) -> tuple[float, np.ndarray | None, np.ndarray]:
    """Fused softmax + cross-entropy: loss, o = softmax(logits), e = dL/dlogits = (o - y) / N.

    logits (M, N), targets (M,) ints with -100 = unscored. Rows of e for unscored positions
    are 0. With keep_probs=False the logits buffer is overwritten and reused for e (no copy),
    and o is returned as None.
    Returns (loss, o (M, N) or None, e (M, N)); loss is 0.0 when nothing is scored, nan or inf
    when the logits are not finite.
    """
    scored = targets != IGNORE_INDEX  # (M,)
    n_scored = int(scored.sum())
    rows = np.arange(targets.shape[0])  # (M,)
    y = targets if n_scored == targets.shape[0] else np.where(scored, targets, 0)  # (M,) safe
    z = logits if not keep_probs else logits.copy()  # (M, N)
    row_max = z.max(axis=1)  # (M,)
    if not np.all(np.abs(row_max) < _safe_logit(z.dtype)):
        z -= row_max[:, None]  # softmax is shift-invariant; shift only when e^z could overflow
    z_y = z[rows, y]  # (M,) logit of the target (shifted or not, like z)
    np.exp(z, out=z)
    with blas_threads(1):  # a memory-bound gemv: a second thread only adds waiting
        sum_exp = (z @ np.ones(z.shape[1], dtype=z.dtype))[:, None]  # (M, 1) row sums
    log_o_y = z_y - np.log(sum_exp[:, 0])  # (M,) log o_t[y_t], exact even when o_t[y_t] is tiny
    loss = float(-log_o_y[scored].sum() / n_scored) if n_scored else 0.0
    inv_n = 1.0 / max(n_scored, 1)
    o = z / sum_exp if keep_probs else None  # (M, N)
    z *= (inv_n / sum_exp).astype(z.dtype)  # one pass: e = o / N before the target's -1/N
    e = z  # (M, N)
    e[rows[scored], y[scored]] -= inv_n
    if n_scored < targets.shape[0]:
        e[~scored] = 0.0
    return loss, o, e
