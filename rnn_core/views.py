"""Small read-only summaries of engine arrays for the views: top-k, norms, where NaN starts.

Pure NumPy; the server (app/) calls these instead of doing arithmetic on weights itself.
"""

import numpy as np


def top_k(p: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest entries of every row, largest first; NaN counts as smallest.

    p (..., N) -> ids (..., k) int64, values (..., k)
    """
    k = min(k, p.shape[-1])
    ranked = np.where(np.isnan(p), -np.inf, p)  # (..., N)
    ids = np.argpartition(-ranked, k - 1, axis=-1)[..., :k]  # (..., k) unordered
    order = np.argsort(-np.take_along_axis(ranked, ids, axis=-1), axis=-1, kind="stable")
    ids = np.take_along_axis(ids, order, axis=-1)  # (..., k)
    return ids, np.take_along_axis(p, ids, axis=-1)


def norm(a: np.ndarray) -> float:
    """Frobenius (Euclidean for a vector) norm; inf or nan when a holds a non-finite entry."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.linalg.norm(np.asarray(a, dtype=np.float64)))


def change_norm(before: np.ndarray, after: np.ndarray) -> float:
    """‖after − before‖, how far an update moved a weight."""
    with np.errstate(over="ignore", invalid="ignore"):
        return norm(np.asarray(after, dtype=np.float64) - before)


def all_finite(*arrays: np.ndarray) -> bool:
    """True when no array holds NaN or ±inf."""
    return all(bool(np.isfinite(a).all()) for a in arrays)


def first_nonfinite(rows: np.ndarray) -> int | None:
    """Index of the first row (axis 0) holding NaN or ±inf, None if every row is finite.

    rows (T, ...) -> index in 0..T-1 or None
    """
    bad = ~np.isfinite(rows.reshape(rows.shape[0], -1)).all(axis=1)  # (T,)
    return int(np.argmax(bad)) if bad.any() else None


def ratio_to_last(a: np.ndarray) -> np.ndarray:
    """a / a[-1] (T,), how a series compares with its last entry (‖δ_k‖ / ‖δ_T‖)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(a, dtype=np.float64) / a[-1]
