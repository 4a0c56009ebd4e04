"""Hidden activations f and their derivatives f', as pairs (式2, 式3).

Each f' takes both net (the weighted input) and s = f(net) and uses whichever is cheaper:
tanh' = 1 - s², sigmoid' = s (1 - s), relu' = [net > 0], identity' = 1.
β_f is the bound of |f'(net)| used in the exploding/vanishing bound ‖δ_t‖(β_W β_f)^{t-k}.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """f, f' and the bound β_f of |f'|."""

    name: str
    f: Callable[..., Array]  # f(net, out=None): net (..., H) -> s (..., H), written into out
    fprime: Callable[[Array, Array], Array]  # (net, s) (..., H) -> f'(net) (..., H)
    beta: float


def _tanh(net: Array, out: Array | None = None) -> Array:
    return np.tanh(net, out=out)


def _tanh_prime(net: Array, s: Array) -> Array:
    return 1.0 - s * s


def _sigmoid(net: Array, out: Array | None = None) -> Array:
    # 0.5 (1 + tanh(net / 2)) equals 1 / (1 + e^-net) and never overflows
    s = np.multiply(net, 0.5, out=out)
    np.tanh(s, out=s)
    s += 1.0
    s *= 0.5
    return s


def _sigmoid_prime(net: Array, s: Array) -> Array:
    return s * (1.0 - s)


def _relu(net: Array, out: Array | None = None) -> Array:
    return np.maximum(net, 0, out=out)


def _relu_prime(net: Array, s: Array) -> Array:
    return (net > 0).astype(net.dtype)


def _identity(net: Array, out: Array | None = None) -> Array:
    if out is None:
        return net.copy()
    out[...] = net
    return out


def _identity_prime(net: Array, s: Array) -> Array:
    return np.ones_like(net)


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation("tanh", _tanh, _tanh_prime, 1.0),
    "relu": Activation("relu", _relu, _relu_prime, 1.0),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_prime, 0.25),
    "identity": Activation("identity", _identity, _identity_prime, 1.0),
}


def get_activation(name: str) -> Activation:
    """The Activation called `name` (one of ACTIVATIONS)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, not {name!r}")
    return ACTIVATIONS[name]
