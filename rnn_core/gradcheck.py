"""Gradient checks: central differences in float64 against the analytic BPTT gradients.

gradient_check works for any RNNLM configuration. The tutorial's own check (identity activation,
error = sum of the last state, 2 steps, perturb W only) is reproduced on TutorialRecurrentLayer, a
faithful port of the tutorial's RecurrentLayer, with or without its calc_delta_k bug, so the UI can
show why that check is blind: with s_0 = 0 the wrong δ_1 is multiplied by zero.
"""

from dataclasses import dataclass

import numpy as np

from .activations import Activation, get_activation
from .model import RNNLM

TOLERANCE = 1e-6


def relative_error(numeric: np.ndarray, analytic: np.ndarray) -> float:
    """‖numeric - analytic‖ / (‖numeric‖ + ‖analytic‖), 0 when both are 0."""
    scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    return float(np.linalg.norm(numeric - analytic) / scale) if scale > 0 else 0.0


@dataclass
class GradCheckResult:
    """Per-weight relative errors and the checked entries (for a scatter plot).

    indices[name] (k,) flat indices of the checked entries; numeric[name], analytic[name] (k,).
    """

    rel_error: dict[str, float]
    indices: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray]
    analytic: dict[str, np.ndarray]
    tolerance: float

    @property
    def max_rel_error(self) -> float:
        """The worst weight's relative error."""
        return max(self.rel_error.values())

    @property
    def passed(self) -> bool:
        """True when every weight's relative error is below the tolerance."""
        return self.max_rel_error < self.tolerance

    def to_dict(self) -> dict:
        """JSON-ready: per weight its relative error and the (numeric, analytic) pairs."""
        return {
            "passed": self.passed,
            "tolerance": self.tolerance,
            "max_rel_error": self.max_rel_error,
            "weights": {
                name: {
                    "rel_error": err,
                    "indices": self.indices[name].tolist(),
                    "numeric": self.numeric[name].tolist(),
                    "analytic": self.analytic[name].tolist(),
                }
                for name, err in self.rel_error.items()
            },
        }


def gradient_check(
    model: RNNLM,
    inputs: np.ndarray,
    targets: np.ndarray,
    eps: float = 1e-5,
    max_entries: int | None = 50,
    seed: int = 0,
    tolerance: float = TOLERANCE,
) -> GradCheckResult:
    """Compare loss_and_grads with (E(w + ε) - E(w - ε)) / 2ε for entries of every weight.

    Runs on a float64 copy of `model`. inputs, targets (B, T) or (T,). max_entries: how many
    entries per weight to check, drawn with np.random.default_rng(seed) (None = all).
    """
    m = model.astype("float64")
    _, grads = m.loss_and_grads(inputs, targets)
    rng = np.random.default_rng(seed)
    result = GradCheckResult({}, {}, {}, {}, tolerance)
    for name, p in m.params.items():
        idx = _sample_indices(p.size, max_entries, rng)  # (k,)
        numeric = np.array([_central_difference(m, p, i, inputs, targets, eps) for i in idx])
        analytic = grads[name].ravel()[idx]  # (k,)
        result.indices[name], result.numeric[name], result.analytic[name] = idx, numeric, analytic
        result.rel_error[name] = relative_error(numeric, analytic)
    return result


def _sample_indices(size: int, k: int | None, rng: np.random.Generator) -> np.ndarray:
    if k is None or k >= size:
        return np.arange(size)
    return np.sort(rng.choice(size, size=k, replace=False))


def _central_difference(
    m: RNNLM, p: np.ndarray, i: int, inputs: np.ndarray, targets: np.ndarray, eps: float
) -> float:
    """(E(p_i + ε) - E(p_i - ε)) / 2ε, p edited in place and restored."""
    flat = p.flat  # entry i in row-major order, written in place whatever p's memory order
    old = flat[i]
    flat[i] = old + eps
    e1, _ = m.loss_and_grads(inputs, targets)
    flat[i] = old - eps
    e2, _ = m.loss_and_grads(inputs, targets)
    flat[i] = old
    return (e1 - e2) / (2 * eps)


class TutorialRecurrentLayer:
    """The tutorial's RecurrentLayer (column vectors, U and W, no bias), ported to Python 3.

    buggy=True keeps its calc_delta_k exactly: δ_k = δ_{k+1}^T W diag(s_{k+1}) with the *state*
    at k+1, and state_list[k+1] overwritten in place by f'(s_{k+1}). buggy=False uses
    δ_k = δ_{k+1}^T W diag[f'(net_k)] (式3) and leaves the states alone.
    """

    def __init__(
        self,
        input_width: int,
        state_width: int,
        activation: Activation,
        rng: np.random.Generator,
        buggy: bool,
        scale: float = 1e-4,
    ) -> None:
        self.activation = activation
        self.buggy = buggy
        self.U = rng.uniform(-scale, scale, (state_width, input_width))  # (n, m)
        self.W = rng.uniform(-scale, scale, (state_width, state_width))  # (n, n)
        self.reset_state()

    def reset_state(self) -> None:
        """Back to t = 0: s_0 = 0 and no stored net_t."""
        self.times = 0
        self.state_list = [np.zeros((self.W.shape[0], 1))]  # s_0 = 0, (n, 1)
        self.net_list = [np.zeros((self.W.shape[0], 1))]  # net_0 = 0, (n, 1)

    def forward(self, input_array: np.ndarray) -> None:
        """式2: s_t = f(U x_t + W s_{t-1}); input_array (m, 1)."""
        self.times += 1
        net = self.U @ input_array + self.W @ self.state_list[-1]  # (n, 1)
        self.net_list.append(net)
        self.state_list.append(self.activation.f(net))  # (n, 1) s_t

    def backward(self, sensitivity_array: np.ndarray) -> None:
        """BPTT from δ_T = sensitivity_array (n, 1); sets self.gradient = ∇_W E (式6)."""
        self.delta_list = [np.zeros_like(sensitivity_array) for _ in range(self.times)]
        self.delta_list.append(sensitivity_array)
        for k in range(self.times - 1, 0, -1):
            self.calc_delta_k(k)
        self.gradient = sum(
            self.delta_list[t] @ self.state_list[t - 1].T  # (n, n) 式5
            for t in range(self.times, 0, -1)
        )

    def calc_delta_k(self, k: int) -> None:
        """δ_k from δ_{k+1}, the tutorial's way (buggy) or by 式3."""
        if self.buggy:
            state = self.state_list[k + 1].copy()
            self.state_list[k + 1] = self.activation.fprime(self.net_list[k + 1], state)
            diag = state[:, 0]  # (n,) s_{k+1}, where 式3 wants f'(net_k)
        else:
            diag = self.activation.fprime(self.net_list[k], self.state_list[k])[:, 0]  # (n,)
        self.delta_list[k] = ((self.delta_list[k + 1].T @ self.W) @ np.diag(diag)).T  # (n, 1) 式3


@dataclass
class TutorialCheckResult:
    """∂E/∂W by central differences and by the layer's backward; both (n, n)."""

    numeric: np.ndarray
    analytic: np.ndarray
    rel_error: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """True when the relative error of ∂E/∂W is below the tolerance."""
        return self.rel_error < self.tolerance

    def to_dict(self) -> dict:
        """JSON-ready: both (n, n) gradients as nested lists, the error and the verdict."""
        return {
            "numeric": self.numeric.tolist(),
            "analytic": self.analytic.tolist(),
            "rel_error": self.rel_error,
            "passed": self.passed,
        }


def tutorial_data_set() -> list[np.ndarray]:
    """The tutorial's data_set() inputs: x_1 = [1 2 3]^T, x_2 = [2 3 4]^T."""
    return [np.array([[1.0], [2.0], [3.0]]), np.array([[2.0], [3.0], [4.0]])]


def tutorial_gradient_check(buggy: bool, seed: int = 0) -> TutorialCheckResult:
    """The tutorial's check as written: RecurrentLayer(3, 2, identity), 2 steps, E = Σ s_2,
    ε = 10e-4, weights ±1e-4. It passes with and without the calc_delta_k bug."""
    layer = TutorialRecurrentLayer(
        3, 2, get_activation("identity"), np.random.default_rng(seed), buggy
    )
    return _check_W(layer, tutorial_data_set(), eps=10e-4)


def nonlinear_gradient_check(
    buggy: bool, activation: str = "tanh", steps: int = 4, seed: int = 0
) -> TutorialCheckResult:
    """The same check made able to see: a non-linear f, `steps` ≥ 3 random inputs, weights ±0.5.

    It fails on the buggy layer and passes on the correct one.
    """
    rng = np.random.default_rng(seed)
    layer = TutorialRecurrentLayer(3, 4, get_activation(activation), rng, buggy, scale=0.5)
    xs = [rng.uniform(-1, 1, (3, 1)) for _ in range(steps)]
    return _check_W(layer, xs, eps=1e-5)


def _check_W(
    layer: TutorialRecurrentLayer, xs: list[np.ndarray], eps: float
) -> TutorialCheckResult:
    """Perturb each W[i, j] by ±ε with E = sum of the last state, as the tutorial's check."""
    _run(layer, xs)
    # δ_T = ∂E/∂net_T = f'(net_T) for E = Σ s_T (the tutorial passes ones: right for identity)
    sensitivity = layer.activation.fprime(layer.net_list[-1], layer.state_list[-1])  # (n, 1)
    layer.backward(sensitivity)
    numeric = np.zeros_like(layer.W)  # (n, n)
    for i, j in np.ndindex(*layer.W.shape):
        layer.W[i, j] += eps
        err1 = _run(layer, xs)
        layer.W[i, j] -= 2 * eps
        err2 = _run(layer, xs)
        layer.W[i, j] += eps
        numeric[i, j] = (err1 - err2) / (2 * eps)
    analytic = layer.gradient
    return TutorialCheckResult(numeric, analytic, relative_error(numeric, analytic), 1e-5)


def _run(layer: TutorialRecurrentLayer, xs: list[np.ndarray]) -> float:
    """reset_state, forward every x, return the error function: the sum of the last state."""
    layer.reset_state()
    for x in xs:
        layer.forward(x)
    return float(layer.state_list[-1].sum())
