"""The RNN language model: forward pass (式1, 式2), BPTT (式3-式8) and the per-sequence trace.

Math is written with column vectors (NOTATION.md): U (n × m), W (n × n), V (N × n), and
net_t = U x_t + W s_{t-1} + b. Arrays hold one row per position, so the code multiplies rows by
transposes: `s_prev @ W.T` is W s_{t-1} for every sequence of the batch at once.

Internally every array is time-major, (T, B, H), so the step t of the whole batch is one
contiguous (B, H) block. The public methods take and return batch-major arrays (B, T, ...) or,
for one sequence, (T, ...).

Chains: key "1" is layer 1's forward chain, "1'" its backward chain, "2" layer 2, ... The forward
chain of layer i reads the forward chain of layer i-1, the backward chain reads the backward chain
(the tutorial's deep formula); the output reads the top layer: o_t = softmax(V s_t + V' s'_t + c).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from . import gated
from .activations import ACTIVATIONS, Activation, get_activation
from .blas import blas_threads
from .gated import CELLS, GATES
from .init import INIT_SCHEMES, init_matrix, init_W
from .losses import IGNORE_INDEX, softmax_cross_entropy
from .optim import ColumnGrad, Grads, row_norms, values

MAX_VOCAB = 1_000_000
MAX_HIDDEN = 512
MAX_LAYERS = 4
DTYPES = ("float32", "float64")
SMALL_SCATTER = 64  # positions up to which ∇U1 is scattered with np.add.at
REPEAT_ROUNDS = 8  # repeats of a word in a batch ∇U1 adds by indexed adds, the rest by add.at


@dataclass(frozen=True)
class RNNConfig:
    """The constructor arguments of RNNLM, validated."""

    vocab_size: int
    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    activation: str = "tanh"
    bias: bool = True
    seed: int = 0
    dtype: str = "float64"
    init: str = "xavier"
    radius: float | None = None
    cell: str = "rnn"  # "rnn" (式2), or the gated "lstm" / "gru" (rnn_core.gated)

    def __post_init__(self) -> None:
        _check_int("vocab_size", self.vocab_size, 2, MAX_VOCAB)
        _check_int("hidden_size", self.hidden_size, 1, MAX_HIDDEN)
        _check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        _check_int("seed", self.seed, 0, 2**63 - 1)
        if not isinstance(self.bidirectional, bool):
            raise ValueError("bidirectional must be True or False")
        if not isinstance(self.bias, bool):
            raise ValueError("bias must be True or False")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}")
        if self.cell != "rnn" and self.activation != "tanh":
            raise ValueError(
                f"an {self.cell} cell has σ gates and tanh inside: activation must be tanh"
            )
        if self.dtype not in DTYPES:
            raise ValueError("dtype must be float32 or float64")
        if self.init not in INIT_SCHEMES:
            raise ValueError(f"init must be one of {', '.join(INIT_SCHEMES)}")
        if self.radius is not None and not (
            isinstance(self.radius, int | float | np.floating) and 0 < self.radius <= 100
        ):
            raise ValueError("radius must be None or a number in (0, 100]")
        for name in ("vocab_size", "hidden_size", "num_layers", "seed"):  # NumPy ints -> int
            object.__setattr__(self, name, int(getattr(self, name)))
        if self.radius is not None:
            object.__setattr__(self, "radius", float(self.radius))

    def to_dict(self) -> dict:
        """The arguments as a JSON-ready dict."""
        return asdict(self)

    @property
    def gates(self) -> int:
        """G: weight blocks per chain (1 for the RNN, 4 for the LSTM, 3 for the GRU)."""
        return GATES[self.cell]

    @property
    def chain_keys(self) -> list[str]:
        """Chain keys bottom-up: ["1", "1'", "2", "2'", ...] ("'" only when bidirectional)."""
        keys = []
        for layer in range(1, self.num_layers + 1):
            keys.append(str(layer))
            if self.bidirectional:
                keys.append(f"{layer}'")
        return keys


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer {low}..{high}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be {low}..{high}")


def is_finite(grads: Grads) -> bool:
    """True when every gradient entry is finite (no NaN, no ±inf)."""
    return all(bool(np.isfinite(values(g)).all()) for g in grads.values())


def chain_layer(key: str) -> int:
    """1-based layer number of a chain key ("2'" -> 2)."""
    return int(key.rstrip("'"))


def is_backward(key: str) -> bool:
    """True for a backward chain key (ending in ')."""
    return key.endswith("'")


@dataclass
class _Chain:
    """What the forward pass keeps of one chain for BPTT; every array (T, B, H)."""

    net: np.ndarray  # (T, B, H) net_t
    s: np.ndarray  # (T, B, H) s_t
    s_prev: np.ndarray  # (T, B, H) s_{t-1} (s'_{t+1} for a backward chain), 0 at the edge
    a_in: np.ndarray | None  # (T, B, H_in) input states from the layer below; None on layer 1
    gated: gated.GatedForward | None = None  # the gates, c_t, … of an LSTM or GRU chain
    # dropout while training (Zaremba et al. 2014): s_t as V and the layer above read it is
    # out = s ∘ mask, mask 0 or 1/(1−p) per unit; the chain's own recurrence reads s unmasked
    mask: np.ndarray | None = None
    out: np.ndarray | None = None

    def output(self) -> np.ndarray:
        """s_t as the chain's readers see it (V, the layer above): masked while training."""
        return self.s if self.out is None else self.out


@dataclass
class _Backward:
    """What BPTT records for one chain when a trace is requested; every array (T, B, H)."""

    delta: np.ndarray  # (T, B, H) δ_t
    delta_inj: np.ndarray  # (T, B, H) own output (top layer) or 式4 from above, times f'(net_t)
    delta_time: np.ndarray  # (T, B, H) what 式3 brings from the neighbour in time
    fprime: np.ndarray  # (T, B, H) f'(net_t)


class RNNLM:
    """Vanilla (deep, optionally bidirectional) RNN language model with exact BPTT.

    m.params is the live dict of weights, name -> ndarray: U1 W1 b1, U1' W1' b1', U2 ..., V, V', c
    (no b*/c without bias; no primed names unless bidirectional). U1 is (H, vocab), Ui (H, H) for
    i > 1, Wi (H, H), bi (H,), V and V' (vocab, H), c (vocab,).
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        activation: str = "tanh",
        bias: bool = True,
        seed: int = 0,
        dtype: str = "float64",
        init: str = "xavier",
        radius: float | None = None,
        cell: str = "rnn",
    ) -> None:
        self.config = RNNConfig(
            vocab_size,
            hidden_size,
            num_layers,
            bidirectional,
            activation,
            bias,
            seed,
            dtype,
            init,
            radius,
            cell,
        )
        self.params = init_params(self.config, np.random.default_rng(seed))

    @classmethod
    def new(cls, config: RNNConfig) -> RNNLM:
        """A fresh model of `config` (its weights drawn from config.seed): the way in for code
        that already holds a config; the keyword form RNNLM(vocab_size=…, …) is shorthand."""
        model = cls.__new__(cls)
        model.config = config
        model.params = init_params(config, np.random.default_rng(config.seed))
        return model

    @classmethod
    def from_config(cls, config: RNNConfig, params: dict[str, np.ndarray]) -> RNNLM:
        """A model with `config` and a copy of `params` (names, shapes and kinds checked; no
        random weights are drawn first)."""
        shapes = param_shapes(config)
        for name, shape in shapes.items():
            if name not in params:
                raise ValueError(f"parameter {name} is missing")
            if params[name].shape != shape:
                raise ValueError(
                    f"parameter {name} has shape {params[name].shape}, expected {shape}"
                )
            if params[name].dtype.kind not in "fiu":  # float, int, unsigned: real numbers
                raise ValueError(f"parameter {name} holds {params[name].dtype}, not real numbers")
        extra = set(params) - set(shapes)
        if extra:
            raise ValueError(f"unexpected parameters: {', '.join(sorted(extra))}")
        model = cls.__new__(cls)
        model.config = config
        model.params = {k: stored(k, params[k], config.dtype) for k in shapes}
        return model

    @property
    def activation(self) -> Activation:
        """f and f' of the hidden layers (式2, 式3)."""
        return get_activation(self.config.activation)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of every weight and every array of a pass."""
        return np.dtype(self.config.dtype)

    def copy(self) -> RNNLM:
        """An independent copy (same config, copied weights)."""
        return RNNLM.from_config(self.config, self.params)

    def astype(self, dtype: str) -> RNNLM:
        """A copy whose weights are cast to `dtype` ("float32" or "float64")."""
        config = replace(self.config, dtype=dtype)
        return RNNLM.from_config(config, {k: v.astype(dtype) for k, v in self.params.items()})

    def num_parameters(self) -> int:
        """How many numbers the weights hold, all of params together."""
        return sum(p.size for p in self.params.values())

    # ---- public passes -------------------------------------------------------------------

    def forward(self, inputs: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """o_t for every position and every chain's states.

        inputs (B, T) or (T,) ints -> probs (B, T, V) or (T, V); states: key -> (B, T, H) or (T, H).
        """
        probs, chains, single = self._run(inputs)
        states = {k: _batch_major(c.s, single) for k, c in chains.items()}
        return _batch_major(probs, single), states

    def forward_inside(
        self, inputs: np.ndarray
    ) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
        """forward for (T,) inputs, plus what a gated chain holds besides h_t: key -> {gate
        name (gated.GATE_NAMES): (T, H) its value, "c": (T, H) the LSTM's c_t}; {} for an RNN."""
        probs, chains, _ = self._run(inputs)
        states = {k: c.s[:, 0] for k, c in chains.items()}
        inside = {}
        for key, chain in chains.items():
            fw = chain.gated
            if fw is None:
                continue
            inside[key] = dict(gated.split_gates(self.config.cell, fw.gates[:, 0]))
            if fw.c is not None:
                inside[key]["c"] = fw.c[:, 0]
        return probs[:, 0], states, inside

    def _run(self, inputs: np.ndarray) -> tuple[np.ndarray, dict[str, _Chain], bool]:
        """The forward pass: probs (T, B, V), every chain, and whether inputs were (T,)."""
        x, single = self._check_inputs(inputs)  # x (T, B)
        with np.errstate(over="ignore", invalid="ignore"):
            chains = self._forward_chains(x)
            logits = self._logits(chains)  # (T*B, V)
            probs = _softmax_rows(logits).reshape(x.shape + (-1,))  # (T, B, V)
        return probs, chains, single

    def loss_and_grads(
        self,
        inputs: np.ndarray,
        targets: np.ndarray,
        truncate: int | None = None,
        dropout: float = 0.0,
        rng: np.random.Generator | None = None,
        sparse: bool = False,
    ) -> tuple[float, Grads]:
        """Mean cross-entropy over scored targets and its gradient for every weight (BPTT).

        inputs, targets (B, T) or (T,) ints; a target of -100 is not scored. truncate=k: the
        error injected at a step (own output, or 式4 from the layer above) reaches that step and
        at most k-1 earlier steps of its chain; k ≥ T (or None) is full BPTT.
        dropout=p (training only, masks drawn from rng): every unit of every chain's s_t is
        read by V and by the layer above as 0 with probability p, else as s_t / (1 − p); the
        recurrence W s_{t−1} reads s unmasked (non-recurrent dropout, Zaremba et al. 2014).
        Never raises on overflow: a diverged model returns loss nan/inf and non-finite grads
        (see is_finite). sparse=True: layer 1's ∇U (U1, and U1' of a bidirectional model) is
        a ColumnGrad holding only the columns of the words in `inputs` (what the optimizers and
        optim.norm take; .dense() gives the array); else every gradient is a dense array.
        """
        x, y = self._check_pair(inputs, targets)  # (T, B), (T, B)
        truncate = _check_truncate(truncate)
        if not 0.0 <= dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        if dropout and rng is None:
            raise ValueError("dropout needs an rng for its masks")
        rows, scored = _scored_rows(y)  # the softmax is computed where a target is scored only
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            chains = self._forward_chains(x, dropout, rng)
            logits = self._logits(chains, reuse=True, rows=rows)  # (R, V)
            loss, _, e = softmax_cross_entropy(logits, scored, keep_probs=False)
            grads, _ = self._backward(
                x, chains, e, truncate, record=False, rows=rows, sparse=sparse
            )
        return loss, grads

    def loss(self, inputs: np.ndarray, targets: np.ndarray) -> tuple[float, int]:
        """Mean cross-entropy over scored targets and their count, without BPTT.

        inputs, targets (B, T) or (T,) ints; -100 = unscored.
        """
        x, y = self._check_pair(inputs, targets)  # (T, B), (T, B)
        rows, scored = _scored_rows(y)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            logits = self._logits(self._forward_chains(x), reuse=True, rows=rows)  # (R, V)
            loss, _, _ = softmax_cross_entropy(logits, scored, keep_probs=False)
        return loss, int(scored.size if rows is None else rows.size)

    def trace(self, inputs: np.ndarray, targets: np.ndarray, truncate: int | None = None) -> Trace:
        """Everything the views draw for one sequence: inputs, targets (T,) ints."""
        inputs, targets = np.asarray(inputs), np.asarray(targets)
        if inputs.ndim != 1:
            raise ValueError("trace takes one sequence: inputs must have shape (T,)")
        x, y = self._check_pair(inputs, targets)  # (T, 1), (T, 1)
        truncate = _check_truncate(truncate)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            chains = self._forward_chains(x)
            logits = self._logits(chains)  # (T, V)
            loss, o, e = softmax_cross_entropy(logits, y.reshape(-1), keep_probs=True)
            grads, records = self._backward(x, chains, e, truncate, record=True)
            loss_t = _loss_per_step(o, y[:, 0])  # (T,)
            chain_traces = {
                key: self._chain_trace(key, chains[key], records[key]) for key in chains
            }
        return Trace(
            x=x[:, 0].copy(),
            y=y[:, 0].copy(),
            o=o,
            loss_t=loss_t,
            loss=loss,
            e=e,
            grads=grads,
            chains=chain_traces,
            truncate=truncate,
        )

    def connectivity(self, inputs: np.ndarray, targets: np.ndarray, t: int) -> np.ndarray:
        """‖∂E_t/∂x_k‖ for k = 0..T-1: how much of the error at position t reaches each input.

        E_t = −log o_t[y_t], the loss at t alone (any cell: the RNN, the LSTM, the GRU). x_k is
        one-hot, so ∂E_t/∂x_k = Σ U1ᵀ δ_k over the layer-1 chains (δ_k of 式3 for the RNN, the
        gates' δ_{q,k} stacked for a gated cell): the connectivity view of Distill's
        "Memorization in RNNs", here for any sentence. Zero after t for a forward-only model.
        """
        inputs, targets = np.asarray(inputs), np.asarray(targets)
        if inputs.ndim != 1:
            raise ValueError("connectivity takes one sequence: inputs must have shape (T,)")
        if isinstance(t, bool) or not isinstance(t, int | np.integer) or not 0 <= t < inputs.size:
            raise ValueError(f"t must be a position 0..{inputs.size - 1}")
        if targets.shape == inputs.shape and targets[t] == IGNORE_INDEX:
            raise ValueError(f"the target at t = {t} is not scored")
        only = np.full_like(targets, IGNORE_INDEX)
        only[t] = targets[t]
        x, y = self._check_pair(inputs, only)
        rows, scored = _scored_rows(y)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            chains = self._forward_chains(x)
            logits = self._logits(chains, rows=rows)
            _, _, e = softmax_cross_entropy(logits, scored, keep_probs=False)
            _, records = self._backward(x, chains, e, None, record=True, rows=rows)
            total = np.zeros((x.shape[0], self.config.vocab_size), dtype=self.dtype)  # (T, N)
            for key in [k for k in self.config.chain_keys if chain_layer(k) == 1]:
                rec = records[key]
                delta = rec.delta_in if isinstance(rec, gated.GatedBackward) else rec.delta
                total += delta[:, 0] @ self.params[f"U{key}"]  # (T, G·H) @ (G·H, N)
        return row_norms(total)

    # ---- validation ------------------------------------------------------------------------

    def _check_inputs(self, inputs: np.ndarray) -> tuple[np.ndarray, bool]:
        """inputs (B, T) or (T,) -> time-major (T, B) int64 and whether it was one sequence."""
        inputs = np.asarray(inputs)
        if inputs.ndim not in (1, 2) or inputs.shape[-1] == 0 or inputs.size == 0:
            raise ValueError("inputs must have shape (B, T) or (T,) with T ≥ 1")
        if not np.issubdtype(inputs.dtype, np.integer):
            raise ValueError("inputs must be integer token ids")
        if inputs.min() < 0 or inputs.max() >= self.config.vocab_size:
            raise ValueError(f"input ids must be 0..{self.config.vocab_size - 1}")
        single = inputs.ndim == 1
        x = inputs[None, :] if single else inputs  # (B, T)
        return np.ascontiguousarray(x.T, dtype=np.int64), single

    def _check_pair(self, inputs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Validated time-major (T, B) inputs and targets."""
        x, _ = self._check_inputs(inputs)
        targets = np.asarray(targets)
        if targets.shape != np.asarray(inputs).shape:
            raise ValueError(
                f"targets shape {targets.shape} differs from inputs shape {np.shape(inputs)}"
            )
        if not np.issubdtype(targets.dtype, np.integer):
            raise ValueError("targets must be integer token ids")
        scored = targets[targets != IGNORE_INDEX]
        if scored.size and (scored.min() < 0 or scored.max() >= self.config.vocab_size):
            raise ValueError(f"target ids must be 0..{self.config.vocab_size - 1} or -100")
        y = targets[None, :] if targets.ndim == 1 else targets  # (B, T)
        return x, np.ascontiguousarray(y.T, dtype=np.int64)

    # ---- forward: 式2 then 式1 -------------------------------------------------------------

    def _forward_chains(
        self, x: np.ndarray, dropout: float = 0.0, rng: np.random.Generator | None = None
    ) -> dict[str, _Chain]:
        """Run every chain bottom-up on time-major x (T, B); with dropout, each chain's output
        as its readers see it gets a mask (see loss_and_grads)."""
        chains: dict[str, _Chain] = {}
        for key in self.config.chain_keys:
            below = _key_below(key)
            a_in = chains[below].output() if below in chains else None  # (T, B, H_in) or None
            chain = self._chain_forward(key, x, a_in)
            if dropout:
                keep = rng.random(chain.s.shape) >= dropout  # (T, B, H)
                chain.mask = keep.astype(chain.s.dtype) / chain.s.dtype.type(1.0 - dropout)
                chain.out = chain.s * chain.mask
            chains[key] = chain
        return chains

    def _input_part(self, key: str, x: np.ndarray, a_in: np.ndarray | None) -> np.ndarray:
        """U x_t (+ b) for every t: (T, B, H). Layer 1 looks up column x_t of U (x_t one-hot)."""
        U = self.params[f"U{key}"]  # (H, H_in)
        T, B = x.shape
        if a_in is None:
            part = U.T[x]  # (T, B, H) column x_t of U, the product U x_t for one-hot x_t
        else:
            part = (a_in.reshape(T * B, -1) @ U.T).reshape(T, B, -1)  # (T, B, H) U s_t^(i-1)
        if self.config.bias:
            part += self.params[f"b{key}"]
        return part

    def _chain_forward(self, key: str, x: np.ndarray, a_in: np.ndarray | None) -> _Chain:
        """式2 along one chain: s_t = f(U x_t + W s_{t-1} + b) (s'_{t+1} for a backward chain)."""
        if self.config.cell != "rnn":
            inp = self._input_part(key, x, a_in)  # (T, B, G·H) every gate's U x_t + b
            order = _time_order(inp.shape[0], is_backward(key))
            with blas_threads(1):
                h, fw = gated.forward(self.config.cell, inp, self.params[f"W{key}"], order)
            return _Chain(net=inp, s=h, s_prev=fw.h_prev, a_in=a_in, gated=fw)
        WT = self.params[f"W{key}"].T  # (H, H) W^T: rows times W^T = W s for each row
        f = self.activation.f
        net = self._input_part(key, x, a_in)  # (T, B, H), U x_t + b so far
        s = np.empty_like(net)  # (T, B, H)
        Ws = np.empty_like(net[0])  # (B, H) W s_{t-1}
        with blas_threads(1):  # small (B, H) @ (H, H) products: threads only wait for each other
            for t, prev in _time_order(net.shape[0], is_backward(key)):
                net_t, s_t = net[t], s[t]  # (B, H) views
                if prev is not None:
                    np.matmul(s[prev], WT, out=Ws)
                    net_t += Ws  # 式2: net_t = U x_t + W s_{t-1} (+ b)
                f(net_t, out=s_t)  # 式2: s_t = f(net_t)
        return _Chain(net=net, s=s, s_prev=_shift(s, is_backward(key)), a_in=a_in)

    def _logits(
        self, chains: dict[str, _Chain], reuse: bool = False, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """V s_t + V' s'_t + c as one matmul per chain: (T*B, N), or (R, N) at the flat
        positions `rows` only (t*B + b).

        reuse=True writes into this thread's scratch buffer (no fresh 4·T·B·N bytes every step);
        only for callers that neither return nor keep the logits.
        """
        top = str(self.config.num_layers)
        s = _rows_of(chains[top].output(), rows)  # (R, H)
        shape = (s.shape[0], self.config.vocab_size)
        logits = _scratch(shape, s.dtype) if reuse else np.empty(shape, dtype=s.dtype)
        np.matmul(s, self.params["V"].T, out=logits)  # (R, N) 式1 before g
        if self.config.bidirectional:
            logits += _rows_of(chains[top + "'"].output(), rows) @ self.params["V'"].T  # (R, N)
        if self.config.bias:
            logits += self.params["c"]
        return logits

    # ---- backward: BPTT --------------------------------------------------------------------

    def _backward(
        self,
        x: np.ndarray,
        chains: dict[str, _Chain],
        e: np.ndarray,
        truncate: int | None,
        record: bool,
        rows: np.ndarray | None = None,
        sparse: bool = False,
    ) -> tuple[Grads, dict[str, _Backward]]:
        """Gradients of every weight from e = dE/dlogits, (T*B, N) or (R, N) at `rows`, top
        layer down (layer 1's ∇U a ColumnGrad if sparse)."""
        grads: Grads = {}
        records: dict[str, _Backward] = {}
        dS = self._output_grads(chains, e, grads, rows)  # key -> (T, B, H) ∂E/∂s_t from o_t
        for key in reversed(self.config.chain_keys):
            chain = chains[key]
            W = self.params[f"W{key}"]
            if chain.gated is not None:
                order = _visit_order(chain.s.shape[0], is_backward(key))
                injected = dS.pop(key)  # (T, B, H) ∂E/∂h_t from o_t (top) or 式4 (below)
                with blas_threads(1):
                    rec = gated.bptt(
                        self.config.cell, injected, chain.gated, W, order, truncate, record
                    )
                if record:
                    rec.injected = injected
                delta, delta_rec = rec.delta_in, rec.delta_rec  # (T, B, G·H)
            else:
                rec = _chain_bptt(
                    dS.pop(key), chain, W, self.activation, is_backward(key), truncate, record
                )
                delta = delta_rec = rec.delta  # (T, B, H)
            below = _key_below(key)
            self._weight_grads(key, x, chain, delta, delta_rec, grads, sparse)
            if below is not None:
                U = self.params[f"U{key}"]  # (G·H, H_in)
                dS[below] = delta @ U  # (T, B, H_in) 式4 before diag[f'(net^{l-1})]
                if chains[below].mask is not None:
                    dS[below] *= chains[below].mask
            if record:
                records[key] = rec
        return {name: grads[name] for name in self.params}, records

    def _output_grads(
        self,
        chains: dict[str, _Chain],
        e: np.ndarray,
        grads: Grads,
        rows: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """∇V = Σ_t e_t s_t^T (and V', c); returns ∂E/∂s_t = V^T e_t for the top chains (0 at
        a position outside `rows`, where nothing is scored)."""
        top = str(self.config.num_layers)
        tops = [top, top + "'"] if self.config.bidirectional else [top]
        dS = {}
        for key in tops:
            name = "V'" if is_backward(key) else "V"
            s = chains[key].output()  # (T, B, H)
            grads[name] = e.T @ _rows_of(s, rows)  # (N, H)
            d_s = e @ self.params[name]  # (R, H) V^T (o_t - y_t)
            if rows is not None:
                d_s, scored = np.zeros((s.shape[0] * s.shape[1], s.shape[2]), s.dtype), d_s
                d_s[rows] = scored  # (T*B, H)
            dS[key] = d_s.reshape(s.shape)  # (T, B, H)
            if chains[key].mask is not None:
                dS[key] *= chains[key].mask  # what was dropped had no share in the loss
        if self.config.bias:
            with blas_threads(1):
                grads["c"] = np.ones(e.shape[0], dtype=e.dtype) @ e  # (N,) Σ_t e_t as one gemv
        return dS

    def _weight_grads(
        self,
        key: str,
        x: np.ndarray,
        chain: _Chain,
        delta: np.ndarray,
        delta_rec: np.ndarray,
        grads: Grads,
        sparse: bool = False,
    ) -> None:
        """式6 and 式8 for one chain: ∇W = Σ_t δ_t s_{t-1}^T, ∇U = Σ_t δ_t x_t^T, ∇b = Σ_t δ_t.

        delta (T, B, G·H) is δ at every gate's net (G = 1: the RNN's δ_t); delta_rec the share
        that multiplies s_{t-1} (the same but for the GRU candidate's, which r_t scales)."""
        T, B, GH = delta.shape
        H = chain.s_prev.shape[2]
        delta2 = delta.reshape(T * B, GH)  # (T*B, G·H)
        rec2 = delta_rec.reshape(T * B, GH)
        grads[f"W{key}"] = rec2.T @ chain.s_prev.reshape(T * B, H)  # (G·H, H) 式6
        if chain.a_in is None:  # 式8 with one-hot x_t: δ_t lands in column x_t, (G·H, N)
            columns = _column_sums(delta2, x.reshape(-1), self.config.vocab_size)
            grads[f"U{key}"] = columns if sparse else columns.dense()
        else:
            grads[f"U{key}"] = delta2.T @ chain.a_in.reshape(T * B, -1)  # (H, H_in) 式8
        if self.config.bias:
            grads[f"b{key}"] = delta2.sum(axis=0)  # (H,)

    # ---- trace -----------------------------------------------------------------------------

    def _chain_trace(self, key: str, chain: _Chain, rec: _Backward) -> ChainTrace:
        """A ChainTrace for one chain of a B = 1 pass (an RNN chain: 式2's net_t and f′)."""
        if chain.gated is not None:
            return _gated_trace_of(self, key, chain, rec)
        top = chain_layer(key) == self.config.num_layers
        W = self.params[f"W{key}"]
        delta = rec.delta[:, 0]  # (T, H)
        zeros = np.zeros_like(delta)  # (T, H)
        a_in = chain.a_in[:, 0] if chain.a_in is not None else None  # (T, H_in)
        delta_norm = row_norms(delta)  # (T,) finite while δ's entries are
        in_norm = np.ones(delta.shape[0]) if a_in is None else row_norms(a_in)  # (T,)
        beta_W = _spectral_norm(W)
        beta_f = self.activation.beta
        T = delta.shape[0]
        last = 0 if is_backward(key) else T - 1
        distance = np.abs(np.arange(T) - last)  # (T,)
        return ChainTrace(
            key=key,
            layer=chain_layer(key),
            direction="backward" if is_backward(key) else "forward",
            net=chain.net[:, 0],
            s=chain.s[:, 0],
            s_prev=chain.s_prev[:, 0],
            a_in=a_in,
            fprime=rec.fprime[:, 0],
            delta=delta,
            delta_out=rec.delta_inj[:, 0] if top else zeros,
            delta_time=rec.delta_time[:, 0],
            delta_up=zeros if top else rec.delta_inj[:, 0],
            delta_norm=delta_norm,
            dW_norm=delta_norm * row_norms(chain.s_prev[:, 0]),
            dU_norm=delta_norm * in_norm,
            bound=delta_norm[last] * (beta_W * beta_f) ** distance,
            beta_W=beta_W,
            beta_f=beta_f,
        )


def _gated_trace_of(model: RNNLM, key: str, chain: _Chain, rec) -> ChainTrace:
    """A gated chain's ChainTrace (B = 1): δ is δ_h = ∂E/∂h_t with its shares, the gates, their
    nets (each gate's U x_t + W h_{t-1} + b; the GRU candidate's r_t ∘ (W_h h_{t-1})), c_t and
    δ_c (LSTM), the gates' error terms δ_q (delta_gates) and the share of ∇W (delta_rec)."""
    cfg = model.config
    top = chain_layer(key) == cfg.num_layers
    W = model.params[f"W{key}"]  # (G·H, H)
    H = cfg.hidden_size
    fw = chain.gated
    h_prev = chain.s_prev[:, 0]  # (T, H)
    net = chain.net[:, 0] + h_prev @ W.T  # (T, G·H) every gate's net
    reset = None
    if cfg.cell == "gru":
        r = fw.gates[:, 0, H : 2 * H]
        reset = r * fw.wh[:, 0]  # (T, H) r_t ∘ (W_h h_{t-1}): h̃'s recurrent part as it enters
        net[:, 2 * H :] = chain.net[:, 0, 2 * H :] + reset
    delta = rec.delta_h[:, 0]  # (T, H)
    injected = rec.injected[:, 0]  # (T, H)
    zeros = np.zeros_like(delta)
    a_in = chain.a_in[:, 0] if chain.a_in is not None else None
    delta_norm = row_norms(delta)
    gates_in = rec.delta_in[:, 0]  # (T, G·H)
    in_norm = np.ones(delta.shape[0]) if a_in is None else row_norms(a_in)
    nan = np.full(delta.shape[0], np.nan)
    return ChainTrace(
        key=key,
        layer=chain_layer(key),
        direction="backward" if is_backward(key) else "forward",
        net=net,
        s=chain.s[:, 0],
        s_prev=h_prev,
        a_in=a_in,
        fprime=np.full_like(delta, np.nan),  # no single f′: each gate has its own derivative
        delta=delta,
        delta_out=injected if top else zeros,
        delta_time=delta - injected,
        delta_up=zeros if top else injected,
        delta_norm=delta_norm,
        dW_norm=row_norms(rec.delta_rec[:, 0]) * row_norms(h_prev),
        dU_norm=row_norms(gates_in) * in_norm,
        bound=nan,  # 式3's bound (β_W β_f)^{T−k} is the RNN's
        beta_W=_spectral_norm(W),
        beta_f=float("nan"),
        cell=cfg.cell,
        gates=fw.gates[:, 0].copy(),
        c=None if fw.c is None else fw.c[:, 0].copy(),
        c_prev=None if fw.c_prev is None else fw.c_prev[:, 0].copy(),
        delta_c=None if rec.delta_c is None else rec.delta_c[:, 0],
        delta_gates=gates_in,
        delta_rec=rec.delta_rec[:, 0],
        delta_carry=rec.carried[:, 0],
        carry_norm=row_norms(rec.carried[:, 0]),
        delta_c_norm=None if rec.delta_c is None else row_norms(rec.delta_c[:, 0]),
        reset=reset,
    )


def param_shapes(config: RNNConfig) -> dict[str, tuple[int, ...]]:
    """The shape of every weight of `config`, in the canonical order U1 W1 b1 U1' ... V V' c."""
    H, N, G = config.hidden_size, config.vocab_size, config.gates
    shapes: dict[str, tuple[int, ...]] = {}
    for key in config.chain_keys:
        shapes[f"U{key}"] = (G * H, N if chain_layer(key) == 1 else H)  # gates stacked (gated)
        shapes[f"W{key}"] = (G * H, H)
        if config.bias:
            shapes[f"b{key}"] = (G * H,)
    shapes["V"] = (N, H)
    if config.bidirectional:
        shapes["V'"] = (N, H)
    if config.bias:
        shapes["c"] = (N,)
    return shapes


def weight_bytes(config: RNNConfig) -> int:
    """Bytes the weights of `config` hold (known before any of them is allocated)."""
    count = sum(int(np.prod(shape)) for shape in param_shapes(config).values())
    return count * np.dtype(config.dtype).itemsize


def init_params(config: RNNConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Fresh weights for `config` in the canonical order U1 W1 b1 U1' ... V V' c."""
    H, N, G = config.hidden_size, config.vocab_size, config.gates
    params: dict[str, np.ndarray] = {}
    for key in config.chain_keys:
        n_in = N if chain_layer(key) == 1 else H
        if G == 1:
            params[f"U{key}"] = init_matrix(rng, (H, n_in), config.init)  # (H, H_in)
            params[f"W{key}"] = init_W(rng, H, config.init, config.radius)  # (H, H)
        else:  # each gate's U_q and W_q drawn as the RNN's U and W, stacked (G·H, ·)
            params[f"U{key}"] = np.concatenate(
                [init_matrix(rng, (H, n_in), config.init) for _ in range(G)]
            )
            params[f"W{key}"] = np.concatenate(
                [init_W(rng, H, config.init, config.radius) for _ in range(G)]
            )
        if config.bias:
            params[f"b{key}"] = np.zeros(G * H)  # (G·H,)
            if config.cell != "rnn":  # LSTM b_f = 1: a fresh cell keeps c (Gers et al. 2000)
                gated.set_keep_bias(config.cell, params[f"b{key}"], gated.KEEP_BIAS[config.cell])
    params["V"] = init_matrix(rng, (N, H), config.init)  # (N, H)
    if config.bidirectional:
        params["V'"] = init_matrix(rng, (N, H), config.init)  # (N, H)
    if config.bias:
        params["c"] = np.zeros(N)  # (N,)
    return {k: stored(k, v, config.dtype) for k, v in params.items()}


def stored(name: str, p: np.ndarray, dtype: str | np.dtype) -> np.ndarray:
    """A weight as the engine keeps it in memory: a copy of `p` in `dtype`, layer 1's U in
    column-major order (its transpose row-major: the look-up of column x_t, the product U x_t for
    one-hot x_t, reads one contiguous run of G·H numbers, and ∇U's scatter writes one), every
    other weight row-major. Shapes and values are the same in either order."""
    one_hot = name.startswith("U") and chain_layer(name[1:]) == 1
    return np.array(p, dtype=dtype, order="F" if one_hot else "C")


_WORKSPACE = threading.local()


def _scratch(shape: tuple[int, int], dtype: np.dtype) -> np.ndarray:
    """This thread's reusable logits buffer, reallocated only when shape or dtype change."""
    buf = getattr(_WORKSPACE, "logits", None)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        buf = _WORKSPACE.logits = np.empty(shape, dtype=dtype)
    return buf


def _spectral_norm(W: np.ndarray) -> float:
    """‖W‖₂, the largest singular value; nan when W holds NaN or inf (SVD would fail)."""
    if not np.isfinite(W).all():
        return float("nan")
    return float(np.linalg.norm(W.astype(np.float64), 2))


def _key_below(key: str) -> str | None:
    """The chain a chain reads: "2'" reads "1'", "2" reads "1"; layer 1 reads x (None)."""
    layer = chain_layer(key)
    if layer == 1:
        return None
    return f"{layer - 1}'" if is_backward(key) else str(layer - 1)


def _shift(s: np.ndarray, backward: bool) -> np.ndarray:
    """s_prev: s_{t-1} at t (s_{t+1} for a backward chain), zeros at the edge; (T, B, H)."""
    s_prev = np.zeros_like(s)  # (T, B, H)
    if backward:
        s_prev[:-1] = s[1:]
    else:
        s_prev[1:] = s[:-1]
    return s_prev


def _time_order(T: int, backward: bool) -> list[tuple[int, int | None]]:
    """(t, neighbour whose state feeds t) in forward-pass order: t-1 forward, t+1 backward."""
    if backward:
        return [(t, t + 1 if t + 1 < T else None) for t in range(T - 1, -1, -1)]
    return [(t, t - 1 if t > 0 else None) for t in range(T)]


def _visit_order(T: int, backward: bool) -> list[int]:
    """Steps in the order BPTT visits them, the forward pass reversed: T-1..0, 0..T-1 backward."""
    return list(range(T)) if backward else list(range(T - 1, -1, -1))


def _check_truncate(truncate: int | None) -> int | None:
    if truncate is None:
        return None
    if isinstance(truncate, bool) or not isinstance(truncate, int | np.integer) or truncate < 1:
        raise ValueError("truncate must be None or an integer ≥ 1")
    return int(truncate)


def _chain_bptt(
    dS: np.ndarray,
    chain: _Chain,
    W: np.ndarray,
    act: Activation,
    backward: bool,
    truncate: int | None,
    record: bool,
) -> _Backward:
    """δ_t for every t of one chain (式3 through time plus the injected ∂E/∂s_t).

    dS (T, B, H) is ∂E/∂s_t injected at t: V^T e_t on the top layer, δ^{l+1}_t U^{l+1} below.
    δ_k = (dS_k + δ_{k+1} W) ⊙ f'(net_k), visiting k in reverse forward-pass order.
    """
    T = dS.shape[0]
    fprime = act.fprime(chain.net, chain.s)  # (T, B, H) f'(net_t)
    order = _visit_order(T, backward)
    delta_inj = dS * fprime  # (T, B, H) own output's (or 式4's) share of δ_t
    with blas_threads(1):
        if truncate is None or truncate >= T:
            delta, delta_time = _bptt_full(delta_inj, fprime, W, order, record)
        else:
            delta, delta_time = _bptt_truncated(delta_inj, fprime, W, order, truncate, record)
    return _Backward(delta=delta, delta_inj=delta_inj, delta_time=delta_time, fprime=fprime)


def _bptt_full(
    delta_inj: np.ndarray, fprime: np.ndarray, W: np.ndarray, order: list[int], record: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Full BPTT: δ_k = dS_k ⊙ f'(net_k) + (δ_{k+1}^T W) ⊙ f'(net_k)  (式3, at net_k).

    delta_inj (T, B, H) = dS ⊙ f'(net), the injected share of every δ_k.
    """
    delta = delta_inj.copy()  # (T, B, H)
    delta_time = np.zeros_like(delta) if record else None  # (T, B, H)
    from_next = np.empty_like(delta[0])  # (B, H)
    for prev, k in zip(order, order[1:], strict=False):
        np.matmul(delta[prev], W, out=from_next)  # δ_{k+1}^T W
        from_next *= fprime[k]  # 式3: δ_{k+1}^T W diag[f'(net_k)]
        delta[k] += from_next
        if record:
            delta_time[k] = from_next
    return delta, delta_time


def _bptt_truncated(
    delta_inj: np.ndarray,
    fprime: np.ndarray,
    W: np.ndarray,
    order: list[int],
    truncate: int,
    record: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Truncated BPTT: what is injected at step j reaches j and at most truncate-1 earlier steps.

    parts[a] (B, H) is the share of δ at the current step injected a steps later; each step
    ages every share by one (式3: times W, times f'), and drops the share of age `truncate`.
    """
    delta = np.empty_like(delta_inj)  # (T, B, H)
    delta_time = np.zeros_like(delta_inj) if record else None  # (T, B, H)
    parts = np.zeros((truncate,) + delta_inj.shape[1:], dtype=delta_inj.dtype)  # (k, B, H)
    for k in order:
        parts[1:] = parts[:-1] @ W  # (k-1, B, H) 式3 one step for every age at once
        parts[1:] *= fprime[k]  # diag[f'(net_k)]
        parts[0] = delta_inj[k]
        parts.sum(axis=0, out=delta[k])
        if record:
            delta_time[k] = parts[1:].sum(axis=0)
    return delta, delta_time


def _column_sums(delta: np.ndarray, ids: np.ndarray, n: int) -> ColumnGrad:
    """Σ_t δ_t x_t^T for one-hot x_t, as the columns of the words that occur. delta (M, H),
    ids (M,) -> ColumnGrad of shape (H, n); each word's column sums its δ rows in position order."""
    if ids.shape[0] <= SMALL_SCATTER:  # a few positions: adding in place beats sorting
        words, inverse = np.unique(ids, return_inverse=True)
        cols = np.zeros((words.shape[0], delta.shape[1]), dtype=delta.dtype)  # (K, H)
        np.add.at(cols, inverse, delta)
        return ColumnGrad(words, cols, (delta.shape[1], n))
    order = np.argsort(ids, kind="stable")  # (M,) positions grouped by word
    sorted_ids = ids[order]  # (M,)
    first = np.diff(sorted_ids, prepend=-1) != 0  # (M,) the first position of each word
    words = sorted_ids[first]  # (K,)
    if 2 * words.shape[0] >= ids.shape[0]:
        # few words repeat (a large vocabulary): each word's first δ row is copied, then its
        # second occurrences are added with one indexed add (no word twice in it), its third...;
        # what occurs more than REPEAT_ROUNDS times is added by np.add.at
        rows = delta[order]  # (M, H)
        cols = rows[first]  # (K, H)
        word = np.cumsum(first) - 1  # (M,) the word of each sorted position, 0..K-1
        rank = np.arange(ids.shape[0]) - np.flatnonzero(first)[word]  # (M,) 0 at a first
        for k in range(1, REPEAT_ROUNDS + 1):
            at = np.flatnonzero(rank == k)
            if not at.size:
                break
            cols[word[at]] += rows[at]
        else:
            more = rank > REPEAT_ROUNDS
            np.add.at(cols, word[more], rows[more])
    else:
        # most words repeat (text): reduce along contiguous rows of δᵀ (3-4× faster than down
        # δ's columns, the same sums)
        sums = np.add.reduceat(delta.T[:, order], np.flatnonzero(first), axis=1)  # (H, K)
        cols = np.ascontiguousarray(sums.T)  # (K, H)
    return ColumnGrad(words, cols, (delta.shape[1], n))


def _scored_rows(y: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """The flat positions (t*B + b) with a scored target and those targets; None for the rows
    when every position is scored. y (T, B) -> rows (R,) or None, targets (R,)."""
    flat = y.reshape(-1)  # (T*B,)
    scored = flat != IGNORE_INDEX  # (T*B,)
    if scored.all():
        return None, flat
    rows = np.flatnonzero(scored)  # (R,)
    return rows, flat[rows]


def _rows_of(s: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """States (T, B, H) as (T*B, H), or only the flat positions `rows`: (R, H)."""
    flat = s.reshape(-1, s.shape[2])  # (T*B, H)
    return flat if rows is None else flat[rows]


def _softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Softmax of every row of logits (M, N), in place."""
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def _loss_per_step(o: np.ndarray, y: np.ndarray) -> np.ndarray:
    """-log o_t[y_t] per step, nan where unscored: o (T, N), y (T,) -> (T,)."""
    scored = y != IGNORE_INDEX  # (T,)
    loss_t = np.full(y.shape, np.nan)  # (T,)
    loss_t[scored] = -np.log(o[scored, y[scored]])
    return loss_t


def _batch_major(a: np.ndarray, single: bool) -> np.ndarray:
    """(T, B, ...) -> (B, T, ...), or (T, ...) for one sequence."""
    return a[:, 0] if single else np.swapaxes(a, 0, 1)


@dataclass
class ChainTrace:
    """One chain of a traced sequence; arrays (T, H) unless noted, t = 0..T-1.

    s_prev is s_{t-1} (s'_{t+1} for a backward chain), zeros at the edge; a_in (T, H_in) the input
    states from the chain below (None on layer 1, whose input is the token x_t).
    delta = delta_out + delta_time + delta_up: delta_out is its own output's share (top layer),
    delta_time what 式3 brings from the neighbour in time, delta_up what 式4 brings from above.
    bound (T,) = ‖δ_last‖ (β_W β_f)^{distance from the chain's last step}.
    """

    key: str
    layer: int
    direction: str
    net: np.ndarray
    s: np.ndarray
    s_prev: np.ndarray
    a_in: np.ndarray | None
    fprime: np.ndarray
    delta: np.ndarray
    delta_out: np.ndarray
    delta_time: np.ndarray
    delta_up: np.ndarray
    delta_norm: np.ndarray  # (T,)
    dW_norm: np.ndarray  # (T,) ‖δ_t‖ ‖s_prev_t‖ = ‖∇W_t‖ (式5)
    dU_norm: np.ndarray  # (T,) ‖δ_t‖ ‖x_t‖ = ‖∇U_t‖ (式8)
    bound: np.ndarray  # (T,)
    beta_W: float  # ‖W‖_2, spectral norm
    beta_f: float  # bound of |f'|
    # gated cells (rnn_core.gated): delta above is δ_h = ∂E/∂h_t, s is h_t
    cell: str = "rnn"
    gates: np.ndarray | None = None  # (T, G·H) every gate's value (f i c̃ o / z r h̃)
    c: np.ndarray | None = None  # (T, H) LSTM c_t
    c_prev: np.ndarray | None = (
        None  # (T, H) LSTM c_{t-1} (c_{t+1} on a backward chain), 0 at the edge
    )
    delta_c: np.ndarray | None = None  # (T, H) LSTM δ_c = ∂E/∂c_t
    delta_gates: np.ndarray | None = None  # (T, G·H) δ_q = ∂E/∂net_q: feeds ∇U, ∇b, 式4
    delta_rec: np.ndarray | None = None  # (T, G·H) the share of ∇W = Σ δ_rec h_{t-1}ᵀ
    # (T, H) the share carried back along the gated path, by gates only (no W, no f′):
    # LSTM f_{t+1} ∘ δ_{c,t+1} within δ_c, GRU z_{t+1} ∘ δ_{h,t+1} within δ_h (its delta_time)
    delta_carry: np.ndarray | None = None
    carry_norm: np.ndarray | None = None  # (T,) ‖delta_carry_t‖
    delta_c_norm: np.ndarray | None = None  # (T,) LSTM ‖δ_c,t‖
    reset: np.ndarray | None = None  # (T, H) GRU r_t ∘ (W_h h_{t-1}), h̃'s recurrent part

    def visit_order(self) -> list[int]:
        """Steps in the order BPTT visits them: T-1..0 forward, 0..T-1 backward."""
        return _visit_order(self.delta.shape[0], self.direction == "backward")


@dataclass
class Trace:
    """Everything the views draw for one sequence (see docs/engine.md).

    x, y (T,) ids; o (T, N) softmax outputs; loss_t (T,) -log o_t[y_t] (nan unscored);
    loss mean over scored; e (T, N) dE/dlogits = (o_t - y_t)/N_scored; grads as loss_and_grads;
    chains key -> ChainTrace.
    """

    x: np.ndarray
    y: np.ndarray
    o: np.ndarray
    loss_t: np.ndarray
    loss: float
    e: np.ndarray
    grads: dict[str, np.ndarray]
    chains: dict[str, ChainTrace]
    truncate: int | None = None
    vocab_size: int = field(init=False)

    def __post_init__(self) -> None:
        self.vocab_size = self.o.shape[1]

    def grad_W_t(self, key: str, t: int) -> np.ndarray:
        """Per-time ∇W_t = δ_t s_prev_t^T (式5): (H, H)."""
        c = self.chains[key]
        return np.outer(_rec(c)[t], c.s_prev[t])  # (G·H, H)

    def grad_U_t(self, key: str, t: int) -> np.ndarray:
        """Per-time ∇U_t = δ_t x_t^T (式8): (H, H_in); for layer 1 x_t is one-hot (H, N)."""
        c = self.chains[key]
        d = _gate_deltas(c)  # (T, G·H)
        if c.a_in is not None:
            return np.outer(d[t], c.a_in[t])  # (G·H, H_in)
        grad = np.zeros((d.shape[1], self.vocab_size), dtype=d.dtype)  # (G·H, N)
        grad[:, self.x[t]] = d[t]
        return grad

    def grad_U_col(self, key: str, t: int) -> tuple[int, np.ndarray]:
        """Layer 1's ∇U_t as (index x_t, column δ_t): the only non-zero column of 式8."""
        c = self.chains[key]
        if c.a_in is not None:
            raise ValueError(f"chain {key} reads states, not one-hot words: use grad_U_t")
        return int(self.x[t]), _gate_deltas(c)[t].copy()

    def grad_W_sum(self, key: str, t: int) -> np.ndarray:
        """Running sum of 式6 when BPTT reaches t: Σ ∇W_i over i = t..T-1 (0..t backward)."""
        c = self.chains[key]
        steps = _visited(c, t)
        return _rec(c)[steps].T @ c.s_prev[steps]  # (G·H, H)

    def grad_U_sum(self, key: str, t: int) -> np.ndarray:
        """Running sum of 式8 when BPTT reaches t, like grad_W_sum: (H, H_in)."""
        c = self.chains[key]
        steps = _visited(c, t)
        d = _gate_deltas(c)
        if c.a_in is not None:
            return d[steps].T @ c.a_in[steps]  # (G·H, H_in)
        return _column_sums(d[steps], self.x[steps], self.vocab_size).dense()

    def to_dict(self) -> dict:
        """A JSON-ready copy (arrays as nested lists, nan as None)."""
        return _jsonable(self)


def _visited(chain: ChainTrace, t: int) -> slice:
    """The steps BPTT has visited when it reaches t: t..T-1 forward, 0..t backward."""
    return slice(0, t + 1) if chain.direction == "backward" else slice(t, None)


def _jsonable(obj: object) -> object:
    if isinstance(obj, np.ndarray) and obj.dtype.kind == "f":
        return np.where(np.isfinite(obj), obj, None).tolist()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Trace | ChainTrace):
        return {k: _jsonable(v) for k, v in vars(obj).items()}
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def _gate_deltas(c: ChainTrace) -> np.ndarray:
    """δ at every gate's net (T, G·H): the RNN's δ_t, a gated chain's δ_q."""
    return c.delta if c.delta_gates is None else c.delta_gates


def _rec(c: ChainTrace) -> np.ndarray:
    """The error terms that multiply s_{t-1} in ∇W (T, G·H)."""
    return c.delta if c.delta_rec is None else c.delta_rec
