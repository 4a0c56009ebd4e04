"""The frames the engine makes: a sentence's predictions (predict_record, blank_record), a
traced BPTT pass, one typed record per step, and a drawn continuation (generate_record). The
labs' experiments are in rnn_core.labs, the remedies side by side in rnn_core.remedies.

trace_pass() traces the tutorial's pairs of a sentence (<s> w1 … wT → w1 … wT </s>) once and
keeps what its frames need; BpttFrames.start() and .frame(pos) then give, for pos = 0..count-1,
the forward steps t = 1..T (式2 then 式1), the backward steps k = T..1 (式3, 式4, 式5, 式6, 式8)
and the totals. Each is a dataclass of plain Python numbers and lists; to_dict() gives its
fields as the wire carries them (app.protocol's PredictFrame, BpttStart, BpttForward,
BpttBackward, BpttTotals, GenerateFrame, documented in docs/protocol.md). Pure NumPy: nothing
here knows of the web.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass

import numpy as np

from .gated import split_gates
from .generate import continuation
from .model import RNNLM, ChainTrace, Trace
from .ngram import NGramLM
from .text import BLANK, BOS, EOS, UNK, UNK_ID, Vocab, join_tokens, training_pairs
from .views import (
    all_finite,
    change_norm,
    label_loss,
    mean_loss,
    net_parts,
    norm,
    running_product,
    top_k,
    trace_nan_at,
)

TOP_WORDS = 10  # o_t's top words in a forward frame
ERROR_WORDS = 4  # guesses beside the label in a predict position's o_t − y_t
OVERFLOW_NOTE = (
    "numbers overflowed to NaN/inf: lower W's spectral radius or the learning rate, "
    "or turn on gradient clipping"
)


def vec(a: np.ndarray) -> list:
    """A NumPy array as nested lists of Python numbers (NaN stays NaN)."""
    return np.asarray(a).tolist()


def small(a: np.ndarray, limit: int) -> list | None:
    """The array as lists if every dimension is ≤ limit, else None (norms only)."""
    return vec(a) if max(a.shape) <= limit else None


def guesses(vocab: Vocab, p: np.ndarray, k: int, hide_unk: bool = False) -> list[dict]:
    """The top k words of a distribution p (V,) as {word, id, p}."""
    return guesses_rows(vocab, p[None, :], k, hide_unk)[0]


def guesses_rows(vocab: Vocab, p: np.ndarray, k: int, hide_unk: bool = False) -> list[list[dict]]:
    """The top k words of every row of p (T, V) as {word, id, p}; hide_unk: <unk> (which names
    no word) is not among them. The probabilities are the model's, not renormalised."""
    ids, probs = top_k(p, k, (UNK_ID,) if hide_unk else ())  # (T, k), (T, k)
    return [
        [{"word": vocab.word(i), "id": i, "p": q} for i, q in zip(row_ids, row_p, strict=True)]
        for row_ids, row_p in zip(ids.tolist(), probs.tolist(), strict=True)
    ]


def _plain(value):
    """Dataclasses (at any depth, in dicts and lists) as dicts; lists of numbers as they are."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list) and value and is_dataclass(value[0]):
        return [_plain(v) for v in value]
    return value


class Record:
    """A frame or a part of one: a dataclass whose fields are what the wire carries."""

    def to_dict(self) -> dict:
        """The fields as the wire carries them (nested records as dicts)."""
        return _plain(self)


@dataclass
class Blank(Record):
    """A bidirectional model's distribution at the blank, and a left-only model's guess."""

    index: int
    rnn: list[dict]
    left_only: list[dict] | None
    left_only_model: str | None
    full: list | None


@dataclass
class Prediction(Record):
    """A sentence read by a model: for a next-word model the RNN's, the 2-gram's and the
    3-gram's top words at every position t = 0..T with the label's probability and loss; for a
    bidirectional one the blank's; the states (and a gated model's gates and c_t) of every
    chain."""

    model: str
    language: str
    unit: str
    tokens: list[str]
    ids: list[int]
    unknown: list[bool]
    inputs: list[str]
    labels: list[str]
    positions: list[dict]
    loss: float | None
    perplexity: float | None
    states: dict[str, list]
    inside: dict[str, dict[str, list]] | None
    full: list | None
    blank: Blank | None
    nonfinite: bool


def _span(used: range) -> dict:
    """Input positions (0 = <s>) → the token span [start, end) they cover."""
    return {"start": max(used.start - 1, 0), "end": max(used.stop - 1, 0)}


def _positions(
    vocab: Vocab,
    labels: list[str],
    y: np.ndarray,
    dists: dict[str, np.ndarray],
    ngrams: tuple[NGramLM, NGramLM],
    k: int,
    hide_unk: bool,
) -> list[dict]:
    """Predictions at every input position t = 0..T (after <s> and tokens[0:t])."""
    top = {name: guesses_rows(vocab, d, k, hide_unk) for name, d in dists.items()}
    next_p = {name: d[np.arange(len(y)), y].tolist() for name, d in dists.items()}
    error = _output_error(vocab, dists["rnn"], y, top["rnn"])
    loss = label_loss(next_p["rnn"]).tolist()  # (T+1,) −log o_t[y_t]
    sentence_p = running_product(next_p["rnn"]).tolist()  # (T+1,) o_1[y_1] … o_t[y_t]
    return [
        {
            "t": t,
            "context": {
                "rnn": {"start": 0, "end": t},
                "bigram": _span(ngrams[0].context_used(t)),
                "trigram": _span(ngrams[1].context_used(t)),
            },
            "rnn": top["rnn"][t],
            "bigram": top["bigram"][t],
            "trigram": top["trigram"][t],
            "next": {"word": labels[t], "id": int(y[t]), "p": next_p["rnn"][t]},
            "next_p": {name: p[t] for name, p in next_p.items()},
            "loss": loss[t],
            "sentence_p": sentence_p[t],
            "error": error[t],
        }
        for t in range(len(labels))
    ]


def _output_error(
    vocab: Vocab, o: np.ndarray, y: np.ndarray, top: list[list[dict]]
) -> list[list[dict]]:
    """o_t − y_t of one position (the error BPTT starts from, before the mean's 1/N) at the
    label, then at the top guesses that are not the label (ERROR_WORDS of them): o_t[j] − 1 at
    the label, o_t[j] elsewhere. o (T, V), y (T,), top: the guesses of every row."""
    rows = []
    for t, guesses in enumerate(top):
        label = int(y[t])
        ids = [label] + [g["id"] for g in guesses if g["id"] != label][:ERROR_WORDS]
        values = o[t, ids] - (np.arange(len(ids)) == 0)  # y_t is 1 at the label only
        rows.append(
            [
                {"word": vocab.word(j), "id": j, "value": v}
                for j, v in zip(ids, values.tolist(), strict=True)
            ]
        )
    return rows


@dataclass(frozen=True)
class Reader:
    """A model that reads sentences, as a prediction names it: its weights and vocabulary, its
    name, language and unit (word or char)."""

    model: RNNLM
    vocab: Vocab
    name: str = ""
    language: str = "en"
    unit: str = "word"


def _inside(inside: dict[str, dict[str, np.ndarray]]) -> dict | None:
    """A gated model's gates and c_t as lists; None for an RNN."""
    if not inside:
        return None
    return {key: {name: vec(a) for name, a in parts.items()} for key, parts in inside.items()}


def _prediction(
    reader: Reader, tokens: list[str], inputs: list[str], read_off: Callable[[np.ndarray], dict]
) -> Prediction:
    """Run the reader over `inputs` and make its prediction: who read it, the tokens and their
    ids, the states (and gates) of every chain, and read_off(o): what the kind of model reads
    off its distributions o (the positions and the loss, or the blank)."""
    ids = reader.vocab.encode(tokens)
    o, states, inside = reader.model.forward_inside(reader.vocab.encode(inputs))
    return Prediction(
        model=reader.name,
        language=reader.language,
        unit=reader.unit,
        tokens=tokens,
        ids=vec(ids),
        unknown=[i == UNK_ID and t != UNK for i, t in zip(ids.tolist(), tokens, strict=True)],
        inputs=inputs,
        states={key: vec(s) for key, s in states.items()},
        inside=_inside(inside),
        nonfinite=not all_finite(o, *states.values()),
        **read_off(o),
    )


def predict_record(
    reader: Reader,
    tokens: list[str],
    ngrams: tuple[NGramLM, NGramLM],
    k: int,
    full: bool = False,
    hide_unk: bool = False,
) -> Prediction:
    """A next-word model and the 2-gram and 3-gram (ngrams) on the tutorial's pairs of a
    sentence: the top k words of each at every position (hide_unk: never <unk>), the label's
    probability and −log o_t[y_t], the sentence's mean loss and perplexity; full: o_t itself."""
    inputs, labels = training_pairs(tokens)
    vocab = reader.vocab
    x, y = vocab.encode(inputs), vocab.encode(labels)  # (T+1,), (T+1,)

    def read_off(o: np.ndarray) -> dict:  # o (T+1, V)
        grams = {"bigram": ngrams[0].distributions(x), "trigram": ngrams[1].distributions(x)}
        positions = _positions(vocab, labels, y, {"rnn": o, **grams}, ngrams, k, hide_unk)
        loss, perplexity = mean_loss([p["next"]["p"] for p in positions])
        return {
            "labels": labels,
            "positions": positions,
            "loss": loss,
            "perplexity": perplexity,
            "full": vec(o) if full else None,
            "blank": None,
        }

    return _prediction(reader, tokens, inputs, read_off)


def blank_record(
    reader: Reader,
    tokens: list[str],
    k: int,
    left_only: Reader | None = None,
    full: bool = False,
    hide_unk: bool = False,
) -> Prediction:
    """A bidirectional model on <s> tokens </s> with one ____ among the tokens: its top k words
    at the blank, and the left-only (next-word) model's top k after the words before it."""
    index = tokens.index(BLANK)
    left = None
    if left_only is not None:
        o_left, _ = left_only.model.forward(left_only.vocab.encode([BOS, *tokens[:index]]))
        left = guesses(left_only.vocab, o_left[-1], k, hide_unk)

    def read_off(o: np.ndarray) -> dict:  # o (T+2, V)
        dist = o[index + 1]  # (V,) the blank's slot
        blank = Blank(
            index=index,
            rnn=guesses(reader.vocab, dist, k, hide_unk),
            left_only=left,
            left_only_model=left_only.name if left_only is not None else None,
            full=vec(dist) if full else None,
        )
        return {
            "labels": [],
            "positions": [],
            "loss": None,
            "perplexity": None,
            "full": None,
            "blank": blank,
        }

    return _prediction(reader, tokens, [BOS, *tokens, EOS], read_off)


@dataclass
class GateStep(Record):
    """One gate q at t: net_q = U_q x_t + W_q h_{t-1} (+ b_q) and its value; the GRU
    candidate's recurrent part enters as r_t ∘ (W_h h_{t-1}) (`reset`, None elsewhere)."""

    net: list
    value: list
    Ux: list
    Ws: list
    b: list | None
    reset: list | None = None


@dataclass
class ForwardChain(Record):
    """One chain at t (式2): net = Ux + Ws (+ b), s = f(net); a gated chain's gates by name and
    the LSTM's c_t, c_{t-1}."""

    t: int
    net: list
    s: list
    s_prev: list
    Ux: list
    Ws: list
    b: list | None
    gates: dict[str, GateStep] | None = None
    c: list | None = None
    c_prev: list | None = None


@dataclass
class BackwardChain(Record):
    """One chain at the step the backward pass reached: δ and its shares (from o_t, from the
    next step, from the layer above) with their norms, this step's ∇W, ∇U cards (式5, 式8), the
    running sum of the ∇W cards (式6); a gated chain's δ by gate, δ_c and the carried share."""

    t: int
    delta: list
    delta_out: list
    delta_time: list
    delta_up: list
    delta_norm: float
    delta_out_norm: float
    delta_time_norm: float
    delta_up_norm: float
    dW: list | None
    dW_norm: float
    dU: list | None
    dU_index: int | None
    dU_col: list | None
    dU_norm: float
    dW_sum: list | None
    dW_sum_norm: float
    truncated: bool
    delta_gates: dict[str, list] | None = None
    delta_c: list | None = None
    delta_c_norm: float | None = None
    carry: list | None = None
    carry_norm: float | None = None


@dataclass
class PassStart(Record):
    """The pass is ready: the sentence, its ids, the frame count and the bounds on ‖δ‖."""

    model: str
    tokens: list[str]
    inputs: list[str]
    labels: list[str]
    x: list[int]
    y: list[int]
    T: int
    n_scored: int
    chains: list[str]
    count: int
    truncate: int | None
    beta_W: dict[str, float]
    beta_f: dict[str, float]
    bound: dict[str, list]
    matrices: bool
    nonfinite: bool
    note: str | None


@dataclass
class ForwardStep(Record):
    """Forward step t = pos + 1: every chain's 式2, then o_t (式1), its loss and e_t."""

    pos: int
    count: int
    t: int
    word: str
    x: int
    label: str
    y: int
    chains: dict[str, ForwardChain]
    top: list[dict]
    p_label: float | None
    loss_t: float
    sentence_p: float
    error: list[dict]
    nonfinite: bool


@dataclass
class BackwardStep(Record):
    """Backward step: k = T..1 for forward chains (a backward chain's own t goes up)."""

    pos: int
    count: int
    k: int
    chains: dict[str, BackwardChain]
    matrices: bool
    nonfinite: bool


@dataclass
class Grad(Record):
    """A total gradient with its norm (the matrix when small enough)."""

    norm: float
    matrix: list | None


@dataclass
class PassTotals(Record):
    """The last frame: loss, every total gradient (式6, 式8), ‖δ_t‖ per step, the bounds,
    where NaN began and, for a truncated pass, how far its gradients are from full BPTT's."""

    pos: int
    count: int
    loss: float
    grads: dict[str, Grad]
    delta_norm: dict[str, list]
    bound: dict[str, list]
    beta_W: dict[str, float]
    beta_f: dict[str, float]
    matrices: bool
    nan_at: int | None
    nonfinite: bool
    note: str | None
    truncation_gap: dict[str, float] | None
    carry_norm: dict[str, list] | None = None
    delta_c_norm: dict[str, list] | None = None


@dataclass
class BpttFrames:
    """One traced pass and what its frames need: forward t=1..T, backward k=T..1, totals."""

    model_name: str
    vocab: Vocab
    tokens: list[str]
    inputs: list[str]
    labels: list[str]
    trace: Trace
    matrix_limit: int
    truncate: int | None
    full_grads: dict[str, np.ndarray] | None
    Ux: dict[str, np.ndarray]
    Ws: dict[str, np.ndarray]
    b: dict[str, np.ndarray]
    sentence_p: np.ndarray

    @property
    def T(self) -> int:
        """Time steps of the pass."""
        return len(self.inputs)

    @property
    def count(self) -> int:
        """Frames of the pass: T forward, T backward, totals."""
        return 2 * self.T + 1

    @property
    def matrices(self) -> bool:
        """Whether frames carry matrices (H ≤ matrix_limit) or only their norms."""
        chain = next(iter(self.trace.chains.values()))
        return chain.s.shape[1] <= self.matrix_limit

    def note(self) -> str | None:
        """Why matrices are missing, if they are."""
        if self.matrices:
            return None
        return f"hidden size above {self.matrix_limit}: matrices are not sent, only their norms"

    def start(self) -> PassStart:
        """The start of the pass: the sentence, ids and the δ bounds of the whole pass."""
        return PassStart(
            model=self.model_name,
            tokens=self.tokens,
            inputs=self.inputs,
            labels=self.labels,
            x=vec(self.trace.x),
            y=vec(self.trace.y),
            T=self.T,
            n_scored=int((self.trace.y >= 0).sum()),
            chains=list(self.trace.chains),
            count=self.count,
            truncate=self.truncate,
            **self._bounds(),
            matrices=self.matrices,
            nonfinite=not all_finite(*(c.bound for c in self.trace.chains.values())),
            note=self.note(),
        )

    def _bounds(self) -> dict:
        """β_W, β_f and the bound on ‖δ‖ of every chain (at the start and in the totals)."""
        chains = self.trace.chains
        return {
            "beta_W": {key: c.beta_W for key, c in chains.items()},
            "beta_f": {key: c.beta_f for key, c in chains.items()},
            "bound": {key: vec(c.bound) for key, c in chains.items()},
        }

    def frame(self, pos: int) -> ForwardStep | BackwardStep | PassTotals:
        """The frame at position pos (0..count-1)."""
        with np.errstate(over="ignore", invalid="ignore"):
            if pos < self.T:
                return self._forward(pos)
            if pos < 2 * self.T:
                return self._backward(pos - self.T)
            return self._totals()

    def _forward(self, i: int) -> ForwardStep:
        """Forward step t = i + 1."""
        tr = self.trace
        chains = {key: self._forward_chain(key, c, i) for key, c in tr.chains.items()}
        y = int(tr.y[i])
        scored = y >= 0
        return ForwardStep(
            pos=i,
            count=self.count,
            t=i + 1,
            word=self.inputs[i],
            x=int(tr.x[i]),
            label=self.labels[i],
            y=y,
            chains=chains,
            top=guesses(self.vocab, tr.o[i], TOP_WORDS),
            p_label=float(tr.o[i, y]) if scored else None,
            loss_t=float(tr.loss_t[i]),
            sentence_p=float(self.sentence_p[i]),
            error=self._error(i, y),
            nonfinite=not all_finite(tr.o[i], *(c.s[i] for c in tr.chains.values())),
        )

    def _forward_chain(self, key: str, c: ChainTrace, i: int) -> ForwardChain:
        """One chain at t = i + 1; a gated chain's gates by name and the LSTM's c_t, c_{t-1}."""
        b = self.b.get(key)
        gates = c_now = c_prev = None
        if c.cell != "rnn":
            parts = {
                name: split_gates(c.cell, a)
                for name, a in (
                    ("net", c.net[i]),
                    ("value", c.gates[i]),
                    ("Ux", self.Ux[key][i]),
                    ("Ws", self.Ws[key][i]),
                )
            }
            bias = split_gates(c.cell, b) if b is not None else {}
            gates = {
                q: GateStep(
                    **{part: vec(by_gate[q]) for part, by_gate in parts.items()},
                    b=vec(bias[q]) if q in bias else None,
                )
                for q in parts["net"]
            }
            if c.reset is not None:  # h̃'s recurrent part enters as r_t ∘ (W_h h_{t-1})
                gates["h_tilde"].reset = vec(c.reset[i])
            if c.c is not None:
                c_now, c_prev = vec(c.c[i]), vec(c.c_prev[i])
        return ForwardChain(
            t=i + 1,
            net=vec(c.net[i]),
            s=vec(c.s[i]),
            s_prev=vec(c.s_prev[i]),
            Ux=vec(self.Ux[key][i]),
            Ws=vec(self.Ws[key][i]),
            b=vec(b) if b is not None else None,
            gates=gates,
            c=c_now,
            c_prev=c_prev,
        )

    def _error(self, i: int, y: int) -> list[dict]:
        """e_t at the label and at o_t's top words (the entries that matter)."""
        e = self.trace.e[i]  # (V,)
        ids, _ = top_k(self.trace.o[i], TOP_WORDS)
        ids = ([y] if y >= 0 else []) + [j for j in ids.tolist() if j != y]
        return [{"word": self.vocab.word(j), "id": j, "value": float(e[j])} for j in ids]

    def _chain_step(self, key: str, c: ChainTrace, j: int) -> BackwardChain:
        """One chain at the j-th step of the backward pass (its own time index)."""
        tr, limit = self.trace, self.matrix_limit
        t = c.visit_order()[j]
        if c.a_in is None:
            index, column = tr.grad_U_col(key, t)
            dU, dU_index, dU_col = None, index, vec(column)
        else:
            dU, dU_index, dU_col = small(tr.grad_U_t(key, t), limit), None, None
        dW_sum = tr.grad_W_sum(key, t)  # (H, H)
        return BackwardChain(
            t=t + 1,
            delta=vec(c.delta[t]),
            delta_out=vec(c.delta_out[t]),
            delta_time=vec(c.delta_time[t]),
            delta_up=vec(c.delta_up[t]),
            delta_norm=float(c.delta_norm[t]),
            delta_out_norm=norm(c.delta_out[t]),
            delta_time_norm=norm(c.delta_time[t]),
            delta_up_norm=norm(c.delta_up[t]),
            dW=small(tr.grad_W_t(key, t), limit),
            dW_norm=float(c.dW_norm[t]),
            dU=dU,
            dU_index=dU_index,
            dU_col=dU_col,
            dU_norm=float(c.dU_norm[t]),
            dW_sum=small(dW_sum, limit),
            dW_sum_norm=norm(dW_sum),
            truncated=self.truncate is not None and j >= self.truncate,
            **self._gated_step(c, t),
        )

    @staticmethod
    def _gated_step(c: ChainTrace, t: int) -> dict:
        """A gated chain's error terms at t: δ_q by gate, the LSTM's δ_c, the carried share."""
        if c.cell == "rnn":
            return {}
        return {
            "delta_gates": {q: vec(d) for q, d in split_gates(c.cell, c.delta_gates[t]).items()},
            "delta_c": vec(c.delta_c[t]) if c.delta_c is not None else None,
            "delta_c_norm": float(c.delta_c_norm[t]) if c.delta_c is not None else None,
            "carry": vec(c.delta_carry[t]),
            "carry_norm": float(c.carry_norm[t]),
        }

    def _backward(self, j: int) -> BackwardStep:
        """Backward step j = 0..T-1: k = T - j for forward chains."""
        chains = {key: self._chain_step(key, c, j) for key, c in self.trace.chains.items()}
        deltas = [c.delta[c.visit_order()[j]] for c in self.trace.chains.values()]
        return BackwardStep(
            pos=self.T + j,
            count=self.count,
            k=self.T - j,
            chains=chains,
            matrices=self.matrices,
            nonfinite=not all_finite(*deltas),
        )

    def nan_at(self) -> int | None:
        """First time step (1-based) where the forward pass or the δs stop being finite."""
        return trace_nan_at(self.trace)

    def _totals(self) -> PassTotals:
        """The last frame: loss, every gradient, ‖δ_t‖ per step and where NaN began."""
        tr, limit = self.trace, self.matrix_limit
        nan_at = self.nan_at()
        finite = all_finite(*tr.grads.values()) and np.isfinite(tr.loss)
        note = self.note()
        if nan_at is not None or not finite:
            note = OVERFLOW_NOTE
        chains = tr.chains
        return PassTotals(
            pos=2 * self.T,
            count=self.count,
            loss=float(tr.loss),
            grads={n: Grad(norm=norm(g), matrix=small(g, limit)) for n, g in tr.grads.items()},
            delta_norm={key: vec(c.delta_norm) for key, c in chains.items()},
            **self._bounds(),
            matrices=self.matrices,
            nan_at=nan_at,
            nonfinite=not finite or nan_at is not None,
            note=note,
            truncation_gap=self._truncation_gap(),
            carry_norm={k: vec(c.carry_norm) for k, c in chains.items() if c.carry_norm is not None}
            or None,
            delta_c_norm={
                k: vec(c.delta_c_norm) for k, c in chains.items() if c.delta_c_norm is not None
            }
            or None,
        )

    def _truncation_gap(self) -> dict[str, float] | None:
        """‖∇_truncated − ∇_full‖ for every weight, when the pass is truncated."""
        if self.full_grads is None:
            return None
        return {n: change_norm(self.full_grads[n], g) for n, g in self.trace.grads.items()}


def trace_pass(
    model: RNNLM,
    vocab: Vocab,
    tokens: list[str],
    inputs: list[str],
    labels: list[str],
    truncate: int | None,
    matrix_limit: int,
    name: str,
) -> BpttFrames:
    """Trace the tutorial's pairs of a sentence (inputs <s> w1 … wT, labels w1 … wT </s>) and
    keep what the frames need. The parts of net_t and the biases are copied: the weights may
    change later (training) while the pass is still stepped through."""
    x, y = vocab.encode(inputs), vocab.encode(labels)  # (T,), (T,)
    params = model.params
    with np.errstate(over="ignore", invalid="ignore"):
        trace = model.trace(x, y, truncate=truncate)
        full = None
        if truncate is not None and truncate < len(x):
            full = model.loss_and_grads(x, y)[1]
        parts = {
            key: net_parts(params, key, x, c.a_in, c.s_prev) for key, c in trace.chains.items()
        }
        sentence_p = running_product(trace.o[np.arange(len(y)), y])  # (T,)
    return BpttFrames(
        name,
        vocab,
        tokens,
        inputs,
        labels,
        trace,
        matrix_limit,
        truncate,
        full,
        Ux={key: ux for key, (ux, _) in parts.items()},
        Ws={key: ws for key, (_, ws) in parts.items()},
        b={key: params[f"b{key}"].copy() for key in trace.chains if f"b{key}" in params},
        sentence_p=sentence_p,
    )


@dataclass
class Generation(Record):
    """Words a next-word model drew after a prompt: each with its probability under the model
    (`p_model`) and as drawn (`p`, after temperature and top-k); `text` the prompt and the words
    written as the language writes them (`</s>` left out)."""

    model: str
    language: str
    prompt: list[str]
    words: list[dict]
    ended: bool
    text: str
    prompt_text: str
    seed: int
    temperature: float
    top_k: int | None


def generate_record(
    reader: Reader,
    prompt: list[str],
    seed: int,
    length: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    allow_unk: bool = False,
) -> Generation:
    """Up to `length` words drawn after <s> and the prompt (generate.continuation), seeded."""
    draws = continuation(
        reader.model, reader.vocab, prompt, length, seed, temperature, top_k, allow_unk
    )
    words = [
        {"word": reader.vocab.word(d.id), "id": d.id, "p_model": d.p_model, "p": d.p} for d in draws
    ]
    ended = bool(words) and words[-1]["word"] == EOS
    drawn = [w["word"] for w in words[: len(words) - ended]]
    return Generation(
        model=reader.name,
        language=reader.language,
        prompt=prompt,
        words=words,
        ended=ended,
        text=join_tokens(prompt + drawn, reader.language, reader.unit),
        prompt_text=join_tokens(prompt, reader.language, reader.unit),
        seed=seed,
        temperature=temperature,
        top_k=top_k,
    )
