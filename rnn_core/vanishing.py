"""Exploding and vanishing gradients: a given δ_T carried back in time through 式3.

The tutorial's argument (NOTATION.md, "Exploding and vanishing gradients") starts from a given
error term δ_t and carries it back to step k:

    δ_k^T = δ_t^T ∏_{i=k}^{t-1} W diag[f'(net_i)]                                   (式3)
          = δ_t^T W diag[f'(net_{t-1})] W diag[f'(net_{t-2})] … W diag[f'(net_k)]
    ‖δ_k^T‖ ≤ ‖δ_t^T‖ (β_W β_f)^{t-k}

Here t = T (the last step), δ_T is a fixed unit vector drawn from a seeded generator, and net_i
are the weighted inputs of the model's own forward pass (式2) over the given words. No output
error is added on the way back, so ‖δ_k‖ / ‖δ_T‖ = ‖δ_k‖ is a pure product of Jacobians: it
exists even where the forward pass saturates (where a language model's own δ_T would be 0).
Float64 throughout; time indices 0-based in arrays (row k-1 is step k).
"""

from dataclasses import dataclass

import numpy as np

from .losses import IGNORE_INDEX
from .model import RNNLM
from .optim import row_norms
from .views import first_nonfinite


def unit_delta(rng: np.random.Generator, hidden_size: int) -> np.ndarray:
    """The given δ_T: a standard normal draw scaled to norm 1, (H,) float64."""
    delta_T = rng.standard_normal(hidden_size)  # (H,)
    return delta_T / np.linalg.norm(delta_T)


def carry_back(W: np.ndarray, fprime: np.ndarray, delta_T: np.ndarray) -> np.ndarray:
    """式3 from a given δ_T, one step at a time: δ_k^T = δ_{k+1}^T W diag[f'(net_k)].

    W (H, H), fprime (T, H) with row i-1 = f'(net_i), delta_T (H,) -> delta (T, H), row k-1 = δ_k.
    Overflow gives inf/nan entries (never an error).
    """
    W = np.asarray(W, dtype=np.float64)  # (H, H)
    delta = np.empty(fprime.shape, dtype=np.float64)  # (T, H)
    delta[-1] = delta_T
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(delta.shape[0] - 2, -1, -1):
            delta[k] = (delta[k + 1] @ W) * fprime[k]  # 式3, one step, f' at net_k
    return delta


def first_nonfinite_from_end(norms: np.ndarray) -> int | None:
    """The first step k (1-based), going from T down, whose ‖δ_k‖ is NaN or inf; None if none.

    norms (T,), overflow-safe (optim.row_norms): inf or NaN only where δ_k itself overflowed.
    """
    i = first_nonfinite(norms[::-1])  # in visiting order T..1
    return None if i is None else len(norms) - i


@dataclass
class CarriedDelta:
    """δ_k for k = 1..T carried back from a unit δ_T, with the tutorial's bound.

    delta (T, H); delta_norm, ratio, bound (T,) with ratio = ‖δ_k‖/‖δ_T‖ and
    bound = ‖δ_T‖ (β_W β_f)^{T-k}; grads: ∇W = Σ_k δ_k s_{k-1}^T (式5, 式6) and
    ∇U = Σ_k δ_k x_k^T (式8) of these δ_k; nan_at: see first_nonfinite_from_end.
    """

    delta: np.ndarray
    delta_norm: np.ndarray
    ratio: np.ndarray
    bound: np.ndarray
    beta_W: float
    beta_f: float
    nan_at: int | None
    grads: dict[str, np.ndarray]


def carried_delta(model: RNNLM, inputs: np.ndarray, delta_T: np.ndarray) -> CarriedDelta:
    """Run 式2 over inputs (T,) on a one-layer unidirectional model, then carry δ_T (H,) back.

    The forward pass's net_i, f'(net_i), s_{i-1}, β_W = ‖W‖₂ and β_f come from model.trace.
    """
    if model.config.num_layers != 1 or model.config.bidirectional:
        raise ValueError("carried_delta needs a one-layer unidirectional model")
    unscored = np.full(np.shape(inputs), IGNORE_INDEX)  # (T,) no output error anywhere
    chain = model.trace(inputs, unscored).chains["1"]
    delta = carry_back(model.params["W1"], chain.fprime, delta_T)  # (T, H)
    T = delta.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        delta_norm = row_norms(delta)  # (T,) finite while δ's entries are
        ratio = delta_norm / delta_norm[-1]  # (T,)
        distance = np.arange(T - 1, -1, -1)  # (T,) T - k for k = 1..T
        bound = delta_norm[-1] * (chain.beta_W * chain.beta_f) ** distance  # (T,)
        grad_U = np.zeros_like(model.params["U1"], dtype=np.float64)  # (H, N)
        np.add.at(grad_U.T, inputs, delta)  # 式8: δ_k lands in column x_k
        grads = {"U1": grad_U, "W1": delta.T @ chain.s_prev}  # (H, N), (H, H) 式6
    return CarriedDelta(
        delta=delta,
        delta_norm=delta_norm,
        ratio=ratio,
        bound=bound,
        beta_W=chain.beta_W,
        beta_f=chain.beta_f,
        nan_at=first_nonfinite_from_end(delta_norm),
        grads=grads,
    )
