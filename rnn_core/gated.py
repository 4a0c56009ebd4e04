"""Gated chains: the LSTM and the GRU of ../shared/NOTATION.md ("Gated cells"), exact BPTT.

A gated chain keeps the RNN's split into an input part and a recurrent part: each gate q has its
own U_q, W_q, b_q, stored stacked as one U (G·H, H_in), W (G·H, H), b (G·H,), gates in the order

    LSTM (G = 4): f (forget), i (input), c̃ (candidate, "c"), o (output)
    GRU  (G = 3): z (update), r (reset), h̃ (candidate, "h")

so the input parts of every gate at every step are one matmul over T·B (model._input_part) and
the recurrent parts one (B, H) @ (H, G·H) matmul per step.

    LSTM  f_t = σ(U_f x_t + W_f h_{t-1} + b_f)   i_t = σ(…_i)   o_t = σ(…_o)
          c̃_t = tanh(U_c x_t + W_c h_{t-1} + b_c)
          c_t = f_t ∘ c_{t-1} + i_t ∘ c̃_t        h_t = o_t ∘ tanh(c_t)
    GRU   z_t = σ(U_z x_t + W_z h_{t-1} + b_z)   r_t = σ(…_r)
          h̃_t = tanh(U_h x_t + r_t ∘ (W_h h_{t-1}) + b_h)
          h_t = z_t ∘ h_{t-1} + (1 − z_t) ∘ h̃_t   (PyTorch's form: r_t acts on W_h h_{t-1})

h_0 = c_0 = 0 (h_{T+1} for a backward chain). BPTT carries δ_{h,t} = ∂E/∂h_t back through every
gate's W and, for the LSTM, δ_{c,t} = ∂E/∂c_t back along the cell path, times f_t only (no W, no
f′): the lesson of the gated cells. The per-gate error terms δ_{q,t} = ∂E/∂net_{q,t} give the
gradients as in 式6 and 式8: ∇W = Σ_t δ_rec,t h_{t-1}ᵀ, ∇U = Σ_t δ_q,t x_tᵀ, ∇b = Σ_t δ_q,t, where
δ_rec equals δ_q except for the GRU candidate, whose recurrent part is scaled by r_t.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
# the gates' names on the wire and in the views, in their stacking order (c̃ and h̃ spelled out:
# c is the LSTM's cell state, h the state itself)
GATE_NAMES = {"rnn": (), "lstm": ("f", "i", "c_tilde", "o"), "gru": ("z", "r", "h_tilde")}


KEEP_GATE = {"lstm": "f", "gru": "z"}  # the gate whose value is the share of the state kept
KEEP_BIAS = {"lstm": 1.0, "gru": 0.0}  # its bias in a fresh model (b_f = 1: Gers et al. 2000)


def set_keep_bias(cell: str, b: np.ndarray, value: float) -> None:
    """Set the bias of the keep gate (f of the LSTM, z of the GRU) in a stacked b (G·H,): a
    positive value makes a fresh cell keep most of c_{t−1} or h_{t−1} (σ(3) ≈ 0.95), so a cue
    survives many steps before training has learnt to hold it."""
    split_gates(cell, b)[KEEP_GATE[cell]][...] = value


def split_gates(cell: str, a: np.ndarray) -> dict[str, np.ndarray]:
    """A stacked (…, G·H) array of every gate (values, nets or error terms) by gate name, as
    views of it (an RNN chain has no gates)."""
    names = GATE_NAMES[cell]
    if not names:
        raise ValueError(f"a {cell} chain has no gates")
    H = a.shape[-1] // len(names)
    return {name: a[..., g * H : (g + 1) * H] for g, name in enumerate(names)}


@dataclass
class GatedForward:
    """What the forward pass of a gated chain keeps for BPTT; every array (T, B, ·)."""

    gates: np.ndarray  # (T, B, G·H) every gate's value after σ or tanh
    h_prev: np.ndarray  # (T, B, H) h_{t-1} (h_{t+1} for a backward chain), 0 at the edge
    c: np.ndarray | None  # (T, B, H) LSTM c_t
    c_prev: np.ndarray | None  # (T, B, H) LSTM c_{t-1}, 0 at the edge
    tanh_c: np.ndarray | None  # (T, B, H) LSTM tanh(c_t)
    wh: np.ndarray | None  # (T, B, H) GRU W_h h_{t-1}, the candidate's recurrent part before r


@dataclass
class GatedBackward:
    """BPTT of one gated chain: per-gate error terms, and δ_h, δ_c when recorded."""

    delta_in: np.ndarray  # (T, B, G·H) δ_{q,t} = ∂E/∂net_{q,t}: feeds ∇U, ∇b and 式4 below
    delta_rec: np.ndarray  # (T, B, G·H) the share that multiplies h_{t-1}: feeds ∇W and 式3
    delta_h: np.ndarray | None  # (T, B, H) δ_{h,t} = ∂E/∂h_t (record only)
    delta_c: np.ndarray | None  # (T, B, H) LSTM δ_{c,t} = ∂E/∂c_t (record only)
    # (T, B, H) the share of δ carried back along the gated path, no W and no f′ (record only):
    # LSTM f_{t+1} ∘ δ_{c,t+1} (part of δ_{c,t}), GRU z_{t+1} ∘ δ_{h,t+1} (part of δ_{h,t})
    carried: np.ndarray | None = None
    injected: np.ndarray | None = None  # (T, B, H) the ∂E/∂h_t injected at t (set by the model)


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{−z}) without overflow for large |z| (tanh form)."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def forward(
    cell: str, inp: np.ndarray, W: np.ndarray, order: list[tuple[int, int | None]]
) -> tuple[np.ndarray, GatedForward]:
    """h_t of every step and what BPTT needs. inp (T, B, G·H) = U x_t + b for every t, W (G·H, H),
    order: (t, neighbour whose state feeds t) in forward-pass order."""
    T, B, GH = inp.shape
    H = W.shape[1]
    WT = W.T  # (H, G·H)
    gates = np.empty_like(inp)  # (T, B, G·H)
    h = np.empty((T, B, H), dtype=inp.dtype)
    h_prev = np.zeros_like(h)
    rec = np.empty((B, GH), dtype=inp.dtype)  # W h_{t-1}, every gate
    lstm = cell == "lstm"
    c = np.empty_like(h) if lstm else None
    c_prev = np.zeros_like(h) if lstm else None
    tanh_c = np.empty_like(h) if lstm else None
    wh = np.zeros_like(h) if not lstm else None
    cand = np.empty((B, H), dtype=inp.dtype)  # LSTM c̃_t, then i_t ∘ c̃_t
    for t, prev in order:
        a = gates[t]  # (B, G·H), net of every gate, then its value
        if prev is not None:
            np.matmul(h[prev], WT, out=rec)
        if lstm:
            if prev is None:
                a[...] = inp[t]
            else:
                np.add(inp[t], rec, out=a)
            np.tanh(a[:, 2 * H : 3 * H], out=cand)  # c̃
            sigmoid(a, out=a)  # f, i, o (and c̃'s slot, overwritten next)
            a[:, 2 * H : 3 * H] = cand
            f, i, o = a[:, :H], a[:, H : 2 * H], a[:, 3 * H :]
            if prev is None:
                np.multiply(i, cand, out=c[t])  # c_0 = 0
            else:
                np.multiply(f, c[prev], out=c[t])
                cand *= i
                c[t] += cand  # c_t = f_t ∘ c_{t-1} + i_t ∘ c̃_t
            np.tanh(c[t], out=tanh_c[t])
            np.multiply(o, tanh_c[t], out=h[t])  # h_t = o_t ∘ tanh(c_t)
        else:
            a[...] = inp[t]
            if prev is not None:
                h_prev[t] = h[prev]
                a[:, : 2 * H] += rec[:, : 2 * H]
                wh[t] = rec[:, 2 * H :]
            sigmoid(a[:, : 2 * H], out=a[:, : 2 * H])  # z, r
            z, r, g = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
            g += r * wh[t]
            np.tanh(g, out=g)  # h̃_t = tanh(U_h x_t + r_t ∘ (W_h h_{t-1}) + b_h)
            np.multiply(z, h_prev[t], out=h[t])
            h[t] += (1.0 - z) * g  # h_t = z_t ∘ h_{t-1} + (1 − z_t) ∘ h̃_t
    if lstm:  # h_{t-1} and c_{t-1} of every step, for BPTT: one copy each
        steps = [(t, prev) for t, prev in order if prev is not None]
        if steps:
            ts, prevs = (np.array(v) for v in zip(*steps, strict=True))
            h_prev[ts], c_prev[ts] = h[prevs], c[prevs]
    return h, GatedForward(gates, h_prev, c, c_prev, tanh_c, wh)


def _step_back(
    cell: str,
    fw: GatedForward,
    local: tuple[np.ndarray, np.ndarray],
    k: int,
    dh: np.ndarray,
    dc: np.ndarray | None,
):
    """One step of BPTT at k for the total δ_h (and δ_c) there, from the local derivatives
    (P, A) of _local_derivatives; dh may carry leading axes (truncated BPTT: one row per age).
    Returns δ_in, δ_rec (…, G·H), what goes to c_{k-1} (LSTM) and to h_{k-1} directly (GRU's
    z_t ∘ h_{t-1}), each (…, H) or None."""
    H = dh.shape[-1]
    P, A = local[0][k], local[1][k]  # (B, G·H), (B, H)
    if cell == "lstm":
        dc = dh * A + dc  # δ_{c,k}: from h_k = o ∘ tanh(c_k), and from c_{k+1}
        d_in = np.concatenate(
            [dc * P[:, :H], dc * P[:, H : 2 * H], dc * P[:, 2 * H : 3 * H], dh * P[:, 3 * H :]],
            axis=-1,
        )  # δ_f, δ_i, δ_c̃, δ_o
        return d_in, d_in, dc * fw.gates[k, :, :H], None, dc  # ∂c_k/∂c_{k-1} = diag[f_k]
    dz, dg = dh * P[:, :H], dh * P[:, 2 * H :]  # δ_z, δ_h̃ at its net
    dr = dg * P[:, H : 2 * H]
    d_in = np.concatenate([dz, dr, dg], axis=-1)
    r = fw.gates[k, :, H : 2 * H]
    d_rec = np.concatenate([dz, dr, dg * r], axis=-1)  # W_h h_{t-1} enters times r_t
    return d_in, d_rec, None, dh * A, None


def bptt(
    cell: str,
    dS: np.ndarray,
    fw: GatedForward,
    W: np.ndarray,
    order: list[int],
    truncate: int | None,
    record: bool,
) -> GatedBackward:
    """δ of one gated chain. dS (T, B, H) = ∂E/∂h_t injected at t (Vᵀ e_t on the top layer, 式4
    from the layer above below); order: steps in BPTT's visiting order. truncate = k: what is
    injected at step j reaches j and at most k − 1 earlier steps (along h and along c)."""
    T, B, H = dS.shape
    if truncate is None or truncate >= T:
        return _bptt_full(cell, dS, fw, W, order, record)
    GH = W.shape[0]
    lstm = cell == "lstm"
    delta_in = np.empty((T, B, GH), dtype=dS.dtype)
    delta_rec = np.empty_like(delta_in)
    delta_h = np.empty_like(dS) if record else None
    delta_c = np.empty_like(dS) if record and lstm else None
    carried = np.empty_like(dS) if record else None
    ages = truncate
    carry_h = np.zeros((ages, B, H), dtype=dS.dtype)  # share of δ_h at the next step, by age
    carry_c = np.zeros_like(carry_h) if lstm else None
    carry_z = np.zeros_like(carry_h)  # GRU: the part of carry_h that came along z
    local = _local_derivatives(cell, fw)
    for k in order:  # every share one step older; the oldest (age = truncate) is dropped
        dh = np.concatenate([dS[k][None], carry_h[:-1]])
        dc = np.concatenate([np.zeros_like(dS[k])[None], carry_c[:-1]]) if lstm else None
        d_in, d_rec, to_c, to_h, dc_total = _step_back(cell, fw, local, k, dh, dc)
        delta_in[k] = d_in.sum(axis=0)
        delta_rec[k] = d_rec.sum(axis=0)
        if record:
            delta_h[k] = dh.sum(axis=0)
            carried[k] = dc.sum(axis=0) if lstm else carry_z[:-1].sum(axis=0)
            if lstm:
                delta_c[k] = dc_total.sum(axis=0)
        carry_h = d_rec @ W  # (ages, B, H) 式3 through every gate's W
        if to_h is not None:
            carry_h += to_h
            carry_z = to_h
        carry_c = to_c
    return GatedBackward(delta_in, delta_rec, delta_h, delta_c, carried)


def _local_derivatives(cell: str, fw: GatedForward) -> tuple[np.ndarray, np.ndarray]:
    """What BPTT multiplies δ by at each step that does not depend on δ, for every step at once
    (T·B rows in a few large operations instead of a dozen small ones per step).

    LSTM: P (T, B, 4H) = [c_{t-1} f(1−f), c̃ i(1−i), i(1−c̃²), tanh(c) o(1−o)], so δ_f, δ_i,
    δ_c̃ = δ_c ∘ P_f, P_i, P_c̃ and δ_o = δ_h ∘ P_o; A (T, B, H) = o (1 − tanh²c), the share of
    δ_h that reaches c_t. GRU: P (T, B, 3H) = [(h_{t-1} − h̃) z(1−z), W_h h_{t-1} r(1−r),
    (1−z)(1−h̃²)], so δ_h̃ = δ_h ∘ P_h̃, δ_z = δ_h ∘ P_z, δ_r = δ_h̃ ∘ P_r; A = z, what h_t sends
    to h_{t-1} directly."""
    a = fw.gates  # (T, B, G·H)
    H = fw.h_prev.shape[2]
    P = np.empty_like(a)
    if cell == "lstm":
        i, g, o = a[..., H : 2 * H], a[..., 2 * H : 3 * H], a[..., 3 * H :]
        gate = P.reshape(a.shape[:2] + (4, H))  # (T, B, 4, H)
        np.subtract(1.0, a.reshape(gate.shape), out=gate)
        gate *= a.reshape(gate.shape)  # σ'(net) = σ(1 − σ) of every gate (c̃'s redone below)
        gate[..., 0, :] *= fw.c_prev
        gate[..., 1, :] *= g
        np.multiply(g, g, out=gate[..., 2, :])
        np.subtract(1.0, gate[..., 2, :], out=gate[..., 2, :])
        gate[..., 2, :] *= i
        gate[..., 3, :] *= fw.tanh_c
        A = np.multiply(fw.tanh_c, fw.tanh_c)
        np.subtract(1.0, A, out=A)
        A *= o
        return P, A
    z, r, g = a[..., :H], a[..., H : 2 * H], a[..., 2 * H :]
    np.subtract(fw.h_prev, g, out=P[..., :H])
    P[..., :H] *= z
    P[..., :H] *= 1.0 - z
    np.subtract(1.0, r, out=P[..., H : 2 * H])
    P[..., H : 2 * H] *= r
    P[..., H : 2 * H] *= fw.wh
    np.multiply(g, g, out=P[..., 2 * H :])
    np.subtract(1.0, P[..., 2 * H :], out=P[..., 2 * H :])
    P[..., 2 * H :] *= 1.0 - z
    return P, z


def _bptt_full(
    cell: str, dS: np.ndarray, fw: GatedForward, W: np.ndarray, order: list[int], record: bool
) -> GatedBackward:
    """Full BPTT of one gated chain: the loop of `bptt` with one share, the local derivatives
    computed once for every step (_local_derivatives), every product written in place into the
    step's rows of δ_in (no arrays allocated per step)."""
    T, B, H = dS.shape
    lstm = cell == "lstm"
    P, A = _local_derivatives(cell, fw)
    delta_in = np.empty((T, B, W.shape[0]), dtype=dS.dtype)
    delta_rec = delta_in if lstm else np.empty_like(delta_in)
    delta_h = np.empty_like(dS) if record else None
    delta_c = np.empty_like(dS) if record and lstm else None
    carried = np.empty_like(dS) if record else None
    dh = np.empty((B, H), dtype=dS.dtype)  # δ_{h,k}
    carry_h = np.zeros((B, H), dtype=dS.dtype)  # what 式3 brings from k+1
    dc = np.zeros((B, H), dtype=dS.dtype)  # δ_{c,k} (LSTM), first what c_{k+1} sends back
    tmp = np.zeros((B, H), dtype=dS.dtype)  # GRU: z ∘ δ_h, what h_k sends to h_{k-1} directly
    for k in order:
        np.add(dS[k], carry_h, out=dh)
        d = delta_in[k]  # (B, G·H)
        if lstm:
            if record:
                carried[k] = dc  # f_{k+1} ∘ δ_{c,k+1}, before δ_h's share is added
            np.multiply(dh, A[k], out=tmp)
            dc += tmp  # δ_{c,k} = δ_h ∘ o ∘ (1 − tanh²c) + f_{k+1} ∘ δ_{c,k+1}
            fic = d.reshape(B, 4, H)[:, :3]  # δ_f, δ_i, δ_c̃: δ_c times their P
            np.multiply(dc[:, None, :], P[k].reshape(B, 4, H)[:, :3], out=fic)
            np.multiply(dh, P[k, :, 3 * H :], out=d[:, 3 * H :])  # δ_o
            if record:
                delta_h[k] = dh
                delta_c[k] = dc
            dc *= fw.gates[k, :, :H]  # ∂c_k/∂c_{k-1} = diag[f_k]: no W, no f′
            np.matmul(d, W, out=carry_h)
        else:
            zh = d.reshape(B, 3, H)[:, ::2]  # δ_z, δ_h̃: δ_h times their P
            np.multiply(dh[:, None, :], P[k].reshape(B, 3, H)[:, ::2], out=zh)
            np.multiply(d[:, 2 * H :], P[k, :, H : 2 * H], out=d[:, H : 2 * H])  # δ_r
            rec = delta_rec[k]
            rec[:, : 2 * H] = d[:, : 2 * H]
            r = fw.gates[k, :, H : 2 * H]
            np.multiply(d[:, 2 * H :], r, out=rec[:, 2 * H :])  # W_h h_{t-1} enters times r_t
            if record:
                delta_h[k] = dh
                carried[k] = tmp  # z_{k+1} ∘ δ_{h,k+1} (0 at the first step visited)
            np.matmul(rec, W, out=carry_h)
            np.multiply(dh, A[k], out=tmp)
            carry_h += tmp  # h_k = z_k ∘ h_{k-1} + …
    return GatedBackward(delta_in, delta_rec, delta_h, delta_c, carried)
