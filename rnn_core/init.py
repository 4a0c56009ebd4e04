"""Weight initialisations; every random draw comes from an explicit np.random.Generator.

Schemes (for W; U and V use Xavier unless the scheme is "tutorial"):
- "tutorial": uniform in ±1e-4 for every matrix, as the tutorial's RecurrentLayer;
- "xavier": uniform in ±sqrt(6 / (fan_in + fan_out));
- "orthogonal": W a random orthogonal matrix (every singular value 1);
- "identity": W = I.
`radius` then rescales W so its spectral radius max|λ(W)| equals it (the vanishing/exploding lab's
dial). Biases start at 0.
"""

import numpy as np

INIT_SCHEMES = ("tutorial", "xavier", "orthogonal", "identity")
TUTORIAL_SCALE = 1e-4


def uniform_tutorial(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Uniform in ±1e-4, the tutorial's np.random.uniform(-1e-4, 1e-4, shape)."""
    return rng.uniform(-TUTORIAL_SCALE, TUTORIAL_SCALE, shape)


def xavier(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Glorot uniform: ±sqrt(6 / (rows + cols)); shape (fan_out, fan_in)."""
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, shape)


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random n×n orthogonal matrix (QR of a Gaussian matrix, signs fixed so it is uniform)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))  # (n, n), (n, n)
    return q * np.sign(np.diag(r))


def spectral_radius(W: np.ndarray) -> float:
    """max |λ(W)| over the eigenvalues of W."""
    return float(np.abs(np.linalg.eigvals(W.astype(np.float64))).max())


def set_spectral_radius(W: np.ndarray, radius: float) -> np.ndarray:
    """W rescaled so max |λ(W)| = radius (W unchanged if all its eigenvalues are 0)."""
    current = spectral_radius(W)
    return W * (radius / current) if current > 0 else W.copy()


def init_W(rng: np.random.Generator, n: int, scheme: str, radius: float | None) -> np.ndarray:
    """The recurrent weights W (n, n) under `scheme`, then rescaled to `radius` if given."""
    if scheme == "tutorial":
        W = uniform_tutorial(rng, (n, n))
    elif scheme == "xavier":
        W = xavier(rng, (n, n))
    elif scheme == "orthogonal":
        W = orthogonal(rng, n)
    elif scheme == "identity":
        W = np.eye(n)  # (n, n)
    else:
        raise ValueError(f"init must be one of {', '.join(INIT_SCHEMES)}, not {scheme!r}")
    return W if radius is None else set_spectral_radius(W, radius)


def init_matrix(rng: np.random.Generator, shape: tuple[int, int], scheme: str) -> np.ndarray:
    """A non-recurrent weight matrix U or V: ±1e-4 under "tutorial", Xavier otherwise."""
    return uniform_tutorial(rng, shape) if scheme == "tutorial" else xavier(rng, shape)
