"""Training speed of rnn_core against PyTorch CPU, float32, and achieved GFLOP/s.

    python bench/bench_engine.py [--threads N] [--seconds S] [--cells rnn,lstm,gru]

Sizes B×T×V×H: one sentence 1×12×500×64, teaching 32×32×2000×128, PTB-like 20×35×10000×256.
One training step = forward, cross-entropy, full BPTT, SGD update of every weight.
PyTorch (nn.Embedding + nn.RNN(tanh) / nn.LSTM / nn.GRU + nn.Linear + F.cross_entropy +
torch.optim.SGD, the same cell as rnn_core's row) runs when
`import torch` works, or in the interpreter named by the TORCH_PYTHON environment variable
(a separate venv with torch==2.13.0 and numpy); otherwise it is skipped with a note.
FLOPs per token counted for rnn_core: 6GH² (W forward, δW, ∇W; G gates: 1 RNN, 4 LSTM, 3 GRU)
+ 6HV (V forward, ∇V, V^T e).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = [
    ("one sentence", 1, 12, 500, 64),
    ("teaching", 32, 32, 2000, 128),
    ("PTB-like", 20, 35, 10000, 256),
]


def _batch(B: int, T: int, V: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))


def _time_steps(step, seconds: float) -> float:
    """Seconds per call of step(): best of 3 rounds after a warm-up."""
    step()
    best = float("inf")
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while n < 3 or time.perf_counter() - start < seconds / 3:
            step()
            n += 1
        best = min(best, (time.perf_counter() - start) / n)
    return best


def bench_rnn_core(B: int, T: int, V: int, H: int, seconds: float, cell: str = "rnn") -> float:
    """Tokens per second of one rnn_core training step."""
    from rnn_core import RNNLM, SGD

    model = RNNLM(V, H, dtype="float32", cell=cell)
    opt = SGD(lr=0.1)
    x, y = _batch(B, T, V)

    def step() -> None:
        _, grads = model.loss_and_grads(x, y, sparse=True)  # as rnn_core.train.Trainer steps
        opt.step(model.params, grads)

    return B * T / _time_steps(step, seconds)


def bench_torch(
    B: int, T: int, V: int, H: int, seconds: float, threads: int, cell: str = "rnn"
) -> float:
    """Tokens per second of the standard PyTorch model (requires torch)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    recurrent = {
        "rnn": lambda: nn.RNN(H, H, nonlinearity="tanh", batch_first=True),
        "lstm": lambda: nn.LSTM(H, H, batch_first=True),
        "gru": lambda: nn.GRU(H, H, batch_first=True),
    }[cell]
    emb, rnn, out = nn.Embedding(V, H), recurrent(), nn.Linear(H, V)
    params = [*emb.parameters(), *rnn.parameters(), *out.parameters()]
    opt = torch.optim.SGD(params, lr=0.1)
    x, y = (torch.from_numpy(a) for a in _batch(B, T, V))

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        s, _ = rnn(emb(x))  # (B, T, H)
        loss = F.cross_entropy(out(s).reshape(B * T, V), y.reshape(-1))
        loss.backward()
        opt.step()

    return B * T / _time_steps(step, seconds)


def matmul_peak(threads: int) -> float:
    """Best float32 GFLOP/s of a 2048² square matmul and of the PTB-like V product
    (700, 256) @ (256, 10000), with `threads` BLAS threads."""
    from rnn_core.blas import blas_threads

    rng = np.random.default_rng(0)
    square = rng.random((2048, 2048), dtype=np.float32)
    s, V = rng.random((700, 256), dtype=np.float32), rng.random((10000, 256), dtype=np.float32)
    with blas_threads(threads):
        square_rate = 2 * 2048**3 / _time_steps(lambda: square @ square, 1.0)
        v_rate = 2 * 700 * 256 * 10000 / _time_steps(lambda: s @ V.T, 1.0)
    return max(square_rate, v_rate) / 1e9


GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def flops_per_token(V: int, H: int, cell: str = "rnn") -> int:
    return 6 * GATES[cell] * H * H + 6 * H * V


def torch_tokens_per_s(
    name: str, seconds: float, threads: int, cell: str = "rnn"
) -> tuple[float | None, str]:
    """PyTorch tokens/s at the size called `name`, or None and the reason it was skipped."""
    B, T, V, H = next(size[1:] for size in SIZES if size[0] == name)
    try:
        import torch
    except ImportError:
        python = os.environ.get("TORCH_PYTHON")
        if not python:
            return None, "PyTorch not installed here and TORCH_PYTHON not set: skipped"
        args = [python, __file__, "--torch-size", name, "--seconds", str(seconds), "--cells", cell]
        done = subprocess.run([*args, "--threads", str(threads)], capture_output=True, text=True)
        if done.returncode != 0:
            return None, f"PyTorch run failed: {done.stderr.strip().splitlines()[-1:]}"
        return float(done.stdout), f"PyTorch from {python}"
    return bench_torch(B, T, V, H, seconds, threads, cell), f"PyTorch {torch.__version__}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
    parser.add_argument("--seconds", type=float, default=3.0, help="timing budget per size")
    parser.add_argument("--cells", default="rnn,lstm,gru", help="cells to measure, in order")
    parser.add_argument("--torch-size", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cells = args.cells.split(",")
    if args.torch_size:
        print(torch_tokens_per_s(args.torch_size, args.seconds, args.threads, cells[0])[0])
        return
    from rnn_core.blas import blas_available, set_blas_threads

    set_blas_threads(args.threads)
    peak = matmul_peak(args.threads)
    rows, note = [], ""
    for cell in cells:
        for name, B, T, V, H in SIZES:  # alternate the two so both see the same machine load
            ours = theirs = 0.0
            for _ in range(2):
                ours = max(ours, bench_rnn_core(B, T, V, H, args.seconds / 2, cell))
                torch_rate, note = torch_tokens_per_s(name, args.seconds / 2, args.threads, cell)
                theirs = max(theirs, torch_rate) if torch_rate is not None else None
            rows.append((cell, name, B, T, V, H, ours, theirs))
    peak = max(peak, matmul_peak(args.threads))  # measured before and after: the best of both
    print(f"threads: {args.threads}  BLAS control: {blas_available()}  {note}")
    print(f"float32 matmul peak (best of 2048² and the PTB V product): {peak:.1f} GFLOP/s")
    print(
        f"{'cell':<5} {'size':<13} {'B×T×V×H':<18} {'rnn_core tok/s':>15} {'torch tok/s':>12} "
        f"{'ratio':>6} {'GFLOP/s':>8} {'% peak':>7}"
    )
    for cell, name, B, T, V, H, ours, theirs in rows:
        gflops = ours * flops_per_token(V, H, cell) / 1e9
        ratio = f"{ours / theirs:6.2f}" if theirs else "     -"
        theirs_text = f"{theirs:12.0f}" if theirs else "           -"
        print(
            f"{cell:<5} {name:<13} {f'{B}×{T}×{V}×{H}':<18} {ours:15.0f} {theirs_text} {ratio} "
            f"{gflops:8.1f} {100 * gflops / peak:6.0f}%"
        )


if __name__ == "__main__":
    main()
