"""The BLAS thread count of NumPy's bundled OpenBLAS, through ctypes (no extra dependency).

The recurrence multiplies small (B, H) @ (H, H) blocks one time step after another. OpenBLAS
splits each of them over its threads, and on a busy machine waiting for a second thread costs far
more than the product itself (measured: 10× slower per step with 2 threads while another process
held a core). So the engine runs its time loops with one BLAS thread (`blas_threads(1)`) and leaves
the big matmuls over all B·T positions to the process setting (`set_blas_threads`).
When NumPy is not linked to its bundled OpenBLAS these functions do nothing and
`blas_available()` is False.
"""

import ctypes
from pathlib import Path

import numpy as np


def _load_openblas() -> ctypes.CDLL | None:
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libs.glob("libscipy_openblas*.so*")):
        lib = ctypes.CDLL(str(path))  # already loaded by NumPy: the same library and state
        if hasattr(lib, "openblas_set_num_threads_local"):
            lib.openblas_set_num_threads_local.argtypes = [ctypes.c_int]
            lib.openblas_set_num_threads_local.restype = ctypes.c_int
            return lib
    return None


_LIB = _load_openblas()


def blas_available() -> bool:
    """True when the thread count can be controlled."""
    return _LIB is not None


def get_blas_threads() -> int | None:
    """OpenBLAS's current thread count (None when not controllable)."""
    if _LIB is None:
        return None
    getter = getattr(_LIB, "scipy_openblas_get_num_threads64_", None)
    return int(getter()) if getter is not None else None


def set_blas_threads(n: int) -> None:
    """Use n BLAS threads in the calling thread from now on (n ≥ 1)."""
    if n < 1:
        raise ValueError("BLAS threads must be ≥ 1")
    if _LIB is not None:
        _LIB.openblas_set_num_threads_local(n)


class blas_threads:  # noqa: N801 (used like a function: `with blas_threads(1):`)
    """Run a `with` block with n BLAS threads in the calling thread, then restore the count.

    A plain class rather than @contextmanager: it is entered twice per training step and must
    cost well under a microsecond.
    """

    __slots__ = ("n", "previous")

    def __init__(self, n: int) -> None:
        self.n = n
        self.previous = n

    def __enter__(self) -> None:
        if _LIB is not None:
            self.previous = _LIB.openblas_set_num_threads_local(self.n)

    def __exit__(self, *exc: object) -> None:
        if _LIB is not None:
            _LIB.openblas_set_num_threads_local(self.previous)
