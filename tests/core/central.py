"""Central differences in float64 at a few drawn entries of every weight, against a gradient."""

from collections.abc import Callable

import numpy as np


def assert_central_differences(
    params: dict[str, np.ndarray],
    loss: Callable[[], float],
    grads: dict[str, np.ndarray],
    entries: int = 5,
    eps: float = 1e-6,
    rel: float = 1e-7,
) -> None:
    """(loss(w + ε) − loss(w − ε)) / 2ε equals grads at `entries` random entries per weight,
    within rel × max(1, |numeric|); params are changed in place and put back."""
    pick = np.random.default_rng(0)
    for name, p in params.items():
        for idx in [tuple(pick.integers(0, n) for n in p.shape) for _ in range(entries)]:
            old = p[idx]
            p[idx] = old + eps
            up = loss()
            p[idx] = old - eps
            down = loss()
            p[idx] = old
            numeric = (up - down) / (2 * eps)
            assert abs(numeric - grads[name][idx]) <= rel * max(1.0, abs(numeric)), (name, idx)
