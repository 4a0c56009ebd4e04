"""Optimizers (SGD as the tutorial's W ← W - η ∇_W E, momentum, Adagrad, Adam) and clipping.

Each optimizer updates the live params dict in place. Its state is a flat dict of arrays
("velocity/U1", "step", ...) so io.save can store it and a reloaded model resumes exactly.
"""

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass
class ColumnGrad:
    """∇U of a layer fed one-hot words (式8: Σ_t δ_t x_t^T), kept sparse: only the columns of
    the words in the batch can be non-zero. words (K,) distinct ids, ascending; cols (K, G·H)
    C-contiguous, cols[k] = column words[k] of ∇U; shape (G·H, V) of the dense gradient.

    A training step of a large vocabulary touches a few hundred of its columns: SGD and Adagrad
    update only those (the same numbers as the dense update, where ∇ is 0 elsewhere), and the
    norm, the finite check and clipping read only them.
    """

    words: np.ndarray
    cols: np.ndarray
    shape: tuple[int, int]

    def dense(self) -> np.ndarray:
        """The (G·H, V) gradient, laid out as the model stores U (column-major)."""
        out_t = np.zeros((self.shape[1], self.shape[0]), dtype=self.cols.dtype)  # (V, G·H)
        out_t[self.words] = self.cols
        return out_t.T


Grad = np.ndarray | ColumnGrad
Params = dict[str, np.ndarray]
Grads = dict[str, Grad]


def values(g: Grad) -> np.ndarray:
    """The entries of a gradient that can be non-zero: all of a dense one, a ColumnGrad's cols."""
    return g.cols if isinstance(g, ColumnGrad) else g


class Optimizer(ABC):
    """Base class: hyper-parameters in `hyper`, running state in `state` (name -> ndarray)."""

    name = "base"

    def __init__(self, lr: float, **hyper: float) -> None:
        if not (isinstance(lr, int | float) and 0 < lr <= 100):
            raise ValueError("lr must be a number in (0, 100]")
        self.lr = float(lr)
        self.hyper = {k: float(v) for k, v in hyper.items()}
        self.state: dict[str, np.ndarray] = {}
        self.steps = 0
        self._work: dict[str, np.ndarray] = {}

    def step(self, params: Params, grads: Grads) -> None:
        """One update of every parameter that has a gradient."""
        self.steps += 1
        for name, grad in grads.items():
            if isinstance(grad, ColumnGrad):
                self._update_columns(name, params[name], grad)
            else:
                self._update(name, params[name], grad)

    @abstractmethod
    def _update(self, name: str, p: np.ndarray, grad: np.ndarray) -> None:
        """Update one parameter p in place from its gradient."""

    def _update_columns(self, name: str, p: np.ndarray, grad: ColumnGrad) -> None:
        """Update p from a sparse gradient: densified here, for a rule whose state moves every
        entry (momentum, Adam); SGD and Adagrad touch only the gradient's columns."""
        self._update(name, p, grad.dense())

    def _buffer(self, key: str, like: np.ndarray) -> np.ndarray:
        """The state array `key`, created as zeros shaped like `like` on first use."""
        if key not in self.state:
            self.state[key] = np.zeros_like(like)
        return self.state[key]

    def _scratch(self, name: str, like: np.ndarray) -> np.ndarray:
        """A reusable work array shaped like `like` (not state: never saved)."""
        buf = self._work.get(name)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = self._work[name] = np.empty_like(like)
        return buf

    def config(self) -> dict:
        """JSON-ready: {"name", "lr", hyper-parameters..., "steps"}."""
        return {"name": self.name, "lr": self.lr, **self.hyper, "steps": self.steps}

    def state_dict(self) -> dict[str, np.ndarray]:
        return dict(self.state)

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        self.state = {k: np.array(v) for k, v in state.items()}


class SGD(Optimizer):
    """p ← p - η ∇p, the tutorial's update (applied to every weight, not only W)."""

    name = "sgd"

    def __init__(self, lr: float = 0.1) -> None:
        super().__init__(lr)

    def _update(self, name: str, p: np.ndarray, grad: np.ndarray) -> None:
        step = self._scratch(name, p)
        np.multiply(grad, self.lr, out=step)
        p -= step

    def _update_columns(self, name: str, p: np.ndarray, grad: ColumnGrad) -> None:
        p.T[grad.words] -= self.lr * grad.cols  # (K, G·H): one contiguous row of Uᵀ per word


class Momentum(Optimizer):
    """v ← μ v + ∇p; p ← p - η v."""

    name = "momentum"

    def __init__(self, lr: float = 0.1, momentum: float = 0.9) -> None:
        super().__init__(lr, momentum=momentum)

    def _update(self, name: str, p: np.ndarray, grad: np.ndarray) -> None:
        v = self._buffer(f"velocity/{name}", p)
        v *= self.hyper["momentum"]
        v += grad
        p -= self.lr * v


class Adagrad(Optimizer):
    """G ← G + ∇p²; p ← p - η ∇p / (√G + ε)."""

    name = "adagrad"

    def __init__(self, lr: float = 0.1, eps: float = 1e-8) -> None:
        super().__init__(lr, eps=eps)

    def _update(self, name: str, p: np.ndarray, grad: np.ndarray) -> None:
        G = self._buffer(f"sum_sq/{name}", p)
        G += grad * grad
        p -= self.lr * grad / (np.sqrt(G) + self.hyper["eps"])

    def _update_columns(self, name: str, p: np.ndarray, grad: ColumnGrad) -> None:
        G = self._buffer(f"sum_sq/{name}", p).T  # (V, G·H) rows as p.T's
        g = grad.cols  # (K, G·H)
        G[grad.words] += g * g
        p.T[grad.words] -= self.lr * g / (np.sqrt(G[grad.words]) + self.hyper["eps"])


class Adam(Optimizer):
    """Adam with bias correction: m, v running moments of ∇p and ∇p²."""

    name = "adam"

    def __init__(
        self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr, beta1=beta1, beta2=beta2, eps=eps)

    def _update(self, name: str, p: np.ndarray, grad: np.ndarray) -> None:
        b1, b2, eps = self.hyper["beta1"], self.hyper["beta2"], self.hyper["eps"]
        m = self._buffer(f"m/{name}", p)
        v = self._buffer(f"v/{name}", p)
        m *= b1
        m += (1 - b1) * grad
        v *= b2
        v += (1 - b2) * grad * grad
        m_hat = m / (1 - b1**self.steps)
        v_hat = v / (1 - b2**self.steps)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Momentum, Adagrad, Adam)}


def make_optimizer(name: str, lr: float | None = None, **hyper: float) -> Optimizer:
    """The optimizer called `name` (sgd, momentum, adagrad, adam); default lr if None."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {name!r}")
    kwargs = dict(hyper) if lr is None else {"lr": lr, **hyper}
    return OPTIMIZERS[name](**kwargs)


def optimizer_from_config(config: dict, state: dict[str, np.ndarray]) -> Optimizer:
    """Rebuild an optimizer from config() and state_dict() (as io.load does)."""
    hyper = {k: v for k, v in config.items() if k not in ("name", "steps")}
    opt = make_optimizer(config["name"], **hyper)
    opt.steps = int(config.get("steps", 0))
    opt.load_state_dict(state)
    return opt


def norm(g: Grad) -> float:
    """‖g‖ (Frobenius) as a float, finite whenever every entry is: an exploding gradient's
    entries can be finite while their squares overflow (float32 beyond 1.8e19), and an inf norm
    would make clipping scale the step to zero."""
    g = values(g)
    with np.errstate(over="ignore", invalid="ignore"):
        sq = float(np.vdot(g, g))
        if np.isfinite(sq) or not np.isfinite(g).all():
            return float(np.sqrt(sq))
        scale = float(np.abs(g).max())
        unit = g / scale  # entries in [-1, 1]: their squares cannot overflow
        return scale * float(np.sqrt(np.vdot(unit, unit)))


def row_norms(a: np.ndarray) -> np.ndarray:
    """‖a[i]‖ of every row of a (T, H) in float64, overflow-safe like norm(): a row whose
    entries are all finite has a finite norm (up to float64's largest, 1.8e308) even when their
    squares overflow; a row holding inf or NaN has an inf or NaN norm."""
    a = np.asarray(a, dtype=np.float64)  # (T, H)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        plain = np.sqrt(np.einsum("th,th->t", a, a))  # (T,)
        redo = ~np.isfinite(plain) & np.isfinite(a).all(axis=1)  # (T,) squares overflowed
        if redo.any():
            scale = np.abs(a[redo]).max(axis=1, keepdims=True)  # (R, 1)
            unit = a[redo] / scale  # (R, H) entries in [-1, 1]
            plain[redo] = scale[:, 0] * np.sqrt(np.einsum("rh,rh->r", unit, unit))
    return plain


def grad_norm(grads: Grads) -> float:
    """‖∇‖ over every gradient entry together (Frobenius), overflow-safe like norm()."""
    return math.hypot(*(norm(g) for g in grads.values()))


def clip_grad_norm(grads: Grads, max_norm: float) -> tuple[float, bool]:
    """Scale all gradients in place so their joint norm is at most max_norm.

    Returns (norm before clipping, whether it clipped).
    """
    if not max_norm > 0:
        raise ValueError("clip must be a positive number")
    total = grad_norm(grads)
    if not total > max_norm:
        return total, False
    scale = max_norm / total
    for g in grads.values():
        values(g)[...] *= scale
    return total, True
