// The formula panel: the equation the current BPTT frame applies, in the tutorial's notation and
// numbering (式1, 式2 forward; the output's share, 式3, 式4 backward; 式5, 式8 per-time gradients;
// 式6 their running sum), with that frame's numbers substituted. Native MathML, no library.
// Reads state.pass and state.model; computes nothing: every number is a frame field.

import { t } from "./i18n.js";
import { chainOrder, chainSuffix, clear, el, fmt, MATHML_NS, notation, weightSymbol } from "./util.js";

const SHOWN = 4; // vector entries written out in a formula

function m(tag, ...children) {
  const node = document.createElementNS(MATHML_NS, tag);
  for (const child of children.flat()) {
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

const mi = (text) => m("mi", text);
const mo = (text) => m("mo", text);
const mn = (text) => m("mn", text);
const row = (...children) => m("mrow", ...children);
const msub = (base, index) =>
  m("msub", typeof base === "string" ? mi(base) : base, typeof index === "string" ? mi(index) : index);
const msup = (base, power) =>
  m("msup", typeof base === "string" ? mi(base) : base, typeof power === "string" ? mi(power) : power);
const text = (words) => m("mtext", words);

/** A vector written out: [v1, v2, v3, v4, …] (H entries). */
function vec(values) {
  const parts = [mo("[")];
  values.slice(0, SHOWN).forEach((v, i) => {
    if (i > 0) parts.push(mo(","));
    parts.push(mn(fmt(v)));
  });
  if (values.length > SHOWN) parts.push(mo(","), mo("…"));
  parts.push(mo("]"));
  return row(parts);
}

const norm = (inner) => row(mo("‖"), inner, mo("‖"));
const T_ = () => mi("T");

/** One line of the panel: equation number, formula, and an optional plain-text note. */
function line(number, formula, note) {
  return el(
    "div",
    { class: "formula-line" },
    el("span", { class: "eq-no" }, number ?? ""),
    el("span", { class: "math-holder", tabindex: "0" }, m("math", formula)),
    note ? el("span", { class: "note" }, notation(note)) : null,
  );
}

/** The weight and state symbols of a chain: W, W′, W⁽²⁾ … */
function names(key) {
  const layer = Number.parseInt(key, 10);
  const suffix = chainSuffix(key);
  return { U: `U${suffix}`, W: `W${suffix}`, s: `s${suffix}`, layer, backward: key.endsWith("'") };
}

export function createFormula(root) {
  const body = el("div", { class: "formula-body" });
  root.append(body);

  function render(state, changed) {
    if (!["pass", "pos", "lang", "error", "model"].some((c) => changed.has(c))) return;
    clear(body);
    const pass = state.pass;
    const frame = pass && pass.pos >= 0 ? pass.frames[pass.pos] : null;
    if (!frame) return;
    const model = state.model;
    const lines =
      frame.type === "bptt_forward"
        ? forwardLines(frame, model, state.lang)
        : frame.type === "bptt_backward"
          ? backwardLines(frame, pass, model, state.lang)
          : totalLines(frame, pass, state.lang);
    body.append(...lines);
  }

  return { render };
}

/** A heading over one chain's lines when the model has several (layers, a backward chain). */
function chainHead(keys, n, lang) {
  return keys.length > 1 ? [el("p", { class: "chain-head" }, t("chain_head", lang, n.layer, n.backward))] : [];
}

function forwardLines(frame, model, lang) {
  const f = model?.activation ?? "f";
  const bias = model?.bias ? [mo("+"), mi("b")] : [];
  const out = [];
  const keys = chainOrder(Object.keys(frame.chains));
  const gated = keys.some((key) => frame.chains[key].gates);
  for (const key of keys) {
    const c = frame.chains[key];
    const n = names(key);
    out.push(...chainHead(keys, n, lang));
    if (c.gates) {
      out.push(...gatedForward(c, n, frame, lang));
      continue;
    }
    // a function: a MathML node appended a second time would move out of the first formula
    const prev = () => (n.backward ? row(mi("t"), mo("+"), mn("1")) : row(mi("t"), mo("−"), mn("1")));
    const input = n.layer > 1 ? msub(`s${chainSuffix(String(n.layer - 1))}`, "t") : msub("x", "t");
    out.push(
      line(
        "式2",
        row(
          msub("net", "t"),
          mo("="),
          mi(n.U),
          input,
          mo("+"),
          mi(n.W),
          msub(n.s, prev()),
          ...bias,
          mo("="),
          vec(c.net),
        ),
        n.layer === 1 ? t("input_note", lang, frame.x, frame.word) : null,
      ),
      line("", row(msub(n.s, prev()), mo("="), vec(c.s_prev))),
      line("", row(msub(n.s, "t"), mo("="), mi(f), row(mo("("), msub("net", "t"), mo(")")), mo("="), vec(c.s))),
    );
  }
  const cTerm = model?.bias ? [mo("+"), mi("c")] : [];
  // a gated view writes the softmax output ŷ_t: o_t is the LSTM's output gate (NOTATION.md)
  const o = gated ? "ŷ" : "o";
  out.push(
    line(
      "式1",
      row(
        msub(o, "t"),
        mo("="),
        mi("softmax"),
        row(mo("("), mi("V"), msub(gated ? "h" : "s", "t"), ...cTerm, mo(")")),
        mspace(),
        msub(o, "t"),
        row(mo("["), msub("y", "t"), mo("]")),
        mo("="),
        mn(fmt(frame.p_label)),
        mspace(),
        msub("E", "t"),
        mo("="),
        mo("−"),
        mi("log"),
        msub(o, "t"),
        row(mo("["), msub("y", "t"), mo("]")),
        mo("="),
        mn(fmt(frame.loss_t)),
      ),
      t("label_note", lang, frame.y, frame.label),
    ),
  );
  return out;
}

// the gates as NOTATION.md writes them: wire name → [symbol, the subscript of its U, W, b]
const GATES = {
  f: ["f", "f"],
  i: ["i", "i"],
  c_tilde: ["c̃", "c"],
  o: ["o", "o"],
  z: ["z", "z"],
  r: ["r", "r"],
  h_tilde: ["h̃", "h"],
};
const SIGMOID_FREE = new Set(["c_tilde", "h_tilde"]); // the candidates are tanh, the gates σ

/** The previous step's index: t−1, or t+1 on a backward chain. */
function prevOf(n, index = "t") {
  return n.backward ? row(mi(index), mo("+"), mn("1")) : row(mi(index), mo("−"), mn("1"));
}

/** ∘, the elementwise product. */
const odot = () => mo("∘");

/** A gated chain's forward step: every gate's net and value, then c_t (LSTM) and h_t. */
function gatedForward(c, n, frame, lang) {
  const out = [];
  const input = n.layer > 1 ? msub(`h${chainSuffix(String(n.layer - 1))}`, "t") : msub("x", "t");
  for (const [name, gate] of Object.entries(c.gates)) {
    const [symbol, q] = GATES[name] ?? [name, name];
    const recurrent =
      gate.reset === null
        ? [msub("W", q), msub("h", prevOf(n))]
        : [msub("r", "t"), odot(), row(mo("("), msub("W", q), msub("h", prevOf(n)), mo(")"))];
    const bias = gate.b === null ? [] : [mo("+"), msub("b", q)];
    const net = msub("net", row(mi(q), mo(","), mi("t")));
    out.push(
      line(
        "",
        row(net, mo("="), msub("U", q), input, mo("+"), ...recurrent, ...bias, mo("="), vec(gate.net)),
        n.layer === 1 && name === Object.keys(c.gates)[0] ? t("input_note", lang, frame.x, frame.word) : null,
      ),
      line(
        "",
        row(
          msub(symbol, "t"),
          mo("="),
          mi(SIGMOID_FREE.has(name) ? "tanh" : "σ"),
          row(mo("("), net.cloneNode(true), mo(")")),
          mo("="),
          vec(gate.value),
        ),
      ),
    );
  }
  if (c.c) {
    out.push(
      line("", row(msub("c", prevOf(n)), mo("="), vec(c.c_prev))),
      line(
        "",
        row(
          msub("c", "t"),
          mo("="),
          msub("f", "t"),
          odot(),
          msub("c", prevOf(n)),
          mo("+"),
          msub("i", "t"),
          odot(),
          msub("c̃", "t"),
          mo("="),
          vec(c.c),
        ),
        t("cell_note", lang),
      ),
      line(
        "",
        row(
          msub("h", "t"),
          mo("="),
          msub("o", "t"),
          odot(),
          mi("tanh"),
          row(mo("("), msub("c", "t"), mo(")")),
          mo("="),
          vec(c.s),
        ),
        t("h_is_s", lang),
      ),
    );
  } else {
    out.push(
      line("", row(msub("h", prevOf(n)), mo("="), vec(c.s_prev))),
      line(
        "",
        row(
          msub("h", "t"),
          mo("="),
          msub("z", "t"),
          odot(),
          msub("h", prevOf(n)),
          mo("+"),
          row(mo("("), mn("1"), mo("−"), msub("z", "t"), mo(")")),
          odot(),
          msub("h̃", "t"),
          mo("="),
          vec(c.s),
        ),
        t("gru_note", lang),
      ),
    );
  }
  return out;
}

/** A gated chain's backward step: δ_h and its shares, δ_c (LSTM), the carried share, δ_q. */
function gatedBackward(c, n, T, model, lang) {
  const out = [];
  const k = () => mi("k");
  const next = () => (n.backward ? row(mi("k"), mo("−"), mn("1")) : row(mi("k"), mo("+"), mn("1")));
  const dh = (power) => msubsup("δ", "h,k", power);
  const top = n.layer === (model?.num_layers ?? 1);
  const last = n.backward ? c.t === 1 : c.t === T;
  const lstm = c.delta_c !== null;
  if (top) {
    out.push(
      line(
        "",
        row(
          dh("out"),
          mo("="),
          msup("V", "T"),
          row(mo("("), msub("ŷ", "k"), mo("−"), msub("y", "k"), mo(")")),
          mo("="),
          vec(c.delta_out),
        ),
        t("output_share_gated", lang),
      ),
    );
  }
  const timeTerms = [
    m("munder", mo("∑"), mi("q")),
    msup(msub("W", "q"), "T"),
    msub("δ", row(mi("q"), mo(","), next())),
  ];
  if (!lstm) timeTerms.push(mo("+"), msub("z", next()), odot(), msub("δ", row(mi("h"), mo(","), next())));
  out.push(
    line(
      "式3",
      row(dh("time"), mo("="), ...timeTerms, mo("="), vec(c.delta_time)),
      c.truncated ? t("truncated", lang) : last ? t("nothing_from_future", lang) : t("gated_time_share", lang),
    ),
  );
  if (!top) {
    out.push(
      line(
        "式4",
        row(
          dh("up"),
          mo("="),
          m("munder", mo("∑"), mi("q")),
          msup(msub("U", "q"), "T"),
          msup(msub("δ", row(mi("q"), mo(","), k())), "(l+1)"),
          mo("="),
          vec(c.delta_up),
        ),
        t("up_share", lang),
      ),
    );
  }
  out.push(
    line(
      "",
      row(
        msub("δ", row(mi("h"), mo(","), k())),
        mo("="),
        dh(top ? "out" : "up"),
        mo("+"),
        dh("time"),
        mo("="),
        vec(c.delta),
        mspace(),
        norm(msub("δ", row(mi("h"), mo(","), k()))),
        mo("="),
        mn(fmt(c.delta_norm)),
      ),
    ),
  );
  const carried = lstm
    ? [msub("f", next()), odot(), msub("δ", row(mi("c"), mo(","), next()))]
    : [msub("z", next()), odot(), msub("δ", row(mi("h"), mo(","), next()))];
  if (lstm) {
    out.push(
      line(
        "",
        row(
          msub("δ", row(mi("c"), mo(","), k())),
          mo("="),
          msub("δ", row(mi("h"), mo(","), k())),
          odot(),
          msub("o", "k"),
          odot(),
          row(mo("("), mn("1"), mo("−"), msup(mi("tanh"), "2"), msub("c", "k"), mo(")")),
          mo("+"),
          ...carried.map((node) => node.cloneNode(true)),
          mo("="),
          vec(c.delta_c),
        ),
        t("cell_delta_note", lang),
      ),
    );
  }
  out.push(
    line(
      "",
      row(...carried, mo("="), vec(c.carry), mspace(), norm(row(mi("·"))), mo("="), mn(fmt(c.carry_norm))),
      t(lstm ? "carry_note_lstm" : "carry_note_gru", lang),
    ),
  );
  for (const [name, d] of Object.entries(c.delta_gates)) {
    const q = (GATES[name] ?? [name, name])[0];
    out.push(
      line(
        "",
        row(msub("δ", row(mi(q), mo(","), k())), mo("="), vec(d)),
        name === Object.keys(c.delta_gates)[0] ? t("gate_delta_note", lang) : null,
      ),
    );
  }
  out.push(
    ...gradientLines(c, n, lang, {
      W: "W",
      U: "U",
      delta: msub("δ", row(mi("q"), mo(","), mi("k"))),
      prev: "h",
      below: "h",
      note: t("stacked_note", lang),
    }),
  );
  return out;
}

function mspace() {
  const node = m("mspace");
  node.setAttribute("width", "1.2em");
  return node;
}

function backwardLines(frame, pass, model, lang) {
  const out = [];
  const T = pass.start.T;
  const keys = chainOrder(Object.keys(frame.chains));
  for (const key of keys) {
    const c = frame.chains[key];
    const n = names(key);
    out.push(...chainHead(keys, n, lang));
    if (c.delta_gates) {
      out.push(...gatedBackward(c, n, T, model, lang));
      continue;
    }
    const k = mi("k");
    const next = n.backward ? row(k, mo("−"), mn("1")) : row(k, mo("+"), mn("1"));
    const fp = () => row(mi("diag"), mo("["), mi("f′"), mo("("), msub("net", "k"), mo(")"), mo("]"));
    const last = n.backward ? c.t === 1 : c.t === T;
    if (n.layer === (model?.num_layers ?? 1)) {
      out.push(
        line(
          "",
          row(
            msubsup("δ", "k", "out"),
            mo("="),
            fp(),
            msup("V", "T"),
            row(mo("("), msub("o", "k"), mo("−"), msub("y", "k"), mo(")")),
            mo("="),
            vec(c.delta_out),
          ),
          t("output_share", lang),
        ),
      );
    }
    out.push(
      line(
        "式3",
        row(
          msubsup("δ", "k", "time"),
          mo("="),
          msup(row(mo("("), subT("δ", next), mi(n.W), fp(), mo(")")), "T"),
          mo("="),
          vec(c.delta_time),
        ),
        c.truncated ? t("truncated", lang) : last ? t("nothing_from_future", lang) : t("time_share", lang),
      ),
    );
    if (n.layer < (model?.num_layers ?? 1)) {
      const above = `${n.layer + 1}${n.backward ? "'" : ""}`; // each direction reads its own layer below
      const fromAbove = row(mo("("), subT(`δ${chainSuffix(above)}`, mi("k")), mi(names(above).U), fp(), mo(")"));
      out.push(
        line(
          "式4",
          row(msubsup("δ", "k", "up"), mo("="), msup(fromAbove, "T"), mo("="), vec(c.delta_up)),
          t("up_share", lang),
        ),
      );
    }
    const sumParts = [msubsup("δ", "k", "out"), mo("+"), msubsup("δ", "k", "time")];
    if (n.layer < (model?.num_layers ?? 1)) sumParts.splice(0, 1, msubsup("δ", "k", "up"));
    out.push(
      line(
        "",
        row(
          msub("δ", "k"),
          mo("="),
          ...sumParts,
          mo("="),
          vec(c.delta),
          mspace(),
          norm(msub("δ", "k")),
          mo("="),
          mn(fmt(c.delta_norm)),
        ),
      ),
      ...gradientLines(c, n, lang, { W: n.W, U: n.U, delta: msub("δ", "k"), prev: "s", below: "s" }),
    );
  }
  return out;
}

/**
 * 式5, 式8 and 式6 at step k of one chain: ∇W_k = δ_k (state_{k−1})ᵀ, ∇U_k = δ_k (input_k)ᵀ and
 * the running sum of ∇W. `names`: the weight symbols W, U (W′, W⁽²⁾ … for an RNN chain, the
 * stacked gates' W, U for a gated one), the error term written `delta` (δ_k, or δ_{q,k}), the
 * letter of the state (s, h) as `prev` and of a lower layer's as `below`, and a note for 式5.
 */
function gradientLines(c, n, lang, names) {
  const { W, U, delta, prev, below, note = null } = names;
  const stateOf = (letter, key) => `${letter}${chainSuffix(key)}`;
  const own = `${n.layer}${n.backward ? "'" : ""}`;
  return [
    line(
      "式5",
      row(
        msub(`∇${W}`, "k"),
        mo("="),
        delta.cloneNode(true),
        subT(stateOf(prev, own), prevOf(n, "k")),
        mspace(),
        norm(msub(`∇${W}`, "k")),
        mo("="),
        mn(fmt(c.dW_norm)),
      ),
      note,
    ),
    line(
      "式8",
      row(
        msub(`∇${U}`, "k"),
        mo("="),
        delta.cloneNode(true),
        subT(n.layer > 1 ? stateOf(below, String(n.layer - 1)) : "x", mi("k")),
        mspace(),
        norm(msub(`∇${U}`, "k")),
        mo("="),
        mn(fmt(c.dU_norm)),
      ),
      c.dU_index === null ? null : t("only_column", lang, c.dU_index),
    ),
    line(
      "式6",
      row(
        mi(`∇${W}`),
        mo("="),
        m("munderover", mo("∑"), row(mi("i"), mo("="), mi("k")), n.backward ? mi("1") : T_()),
        msub(`∇${W}`, "i"),
        mspace(),
        norm(mi(`∇${W}`)),
        mo("="),
        mn(fmt(c.dW_sum_norm)),
      ),
      t("running_sum", lang),
    ),
  ];
}

/** A transposed vector with its index: base_indexᵀ (sub- and superscript stacked). */
function subT(base, index) {
  return m("msubsup", mi(base), index, mi("T"));
}

function msubsup(base, index, power) {
  return m("msubsup", mi(base), mi(index), text(power));
}

function totalLines(frame, pass, lang) {
  const out = [line("", row(mi("E"), mo("="), mn(fmt(frame.loss))), t("total_loss", lang))];
  for (const [name, grad] of Object.entries(frame.grads)) {
    const symbol = `∇${weightSymbol(name)}`;
    const sum = /^[UWb]/.test(name)
      ? [mo("="), m("munderover", mo("∑"), row(mi("i"), mo("="), mn("1")), T_()), msub(symbol, "i")]
      : [];
    const number = /^W/.test(name) ? "式6" : /^U/.test(name) ? "式8" : "";
    out.push(line(number, row(mi(symbol), ...sum, mspace(), norm(mi(symbol)), mo("="), mn(fmt(grad.norm)))));
  }
  for (const key of Object.keys(frame.delta_norm)) {
    if (frame.carry_norm?.[key]) {
      // a gated chain: 式3's bound (β_W β_f)^{T−k} is the RNN's; along the gated path the error
      // is multiplied by gates only
      const lstm = Boolean(frame.delta_c_norm?.[key]); // only an LSTM chain has δ_c
      const [x, gate] = lstm ? ["c", "f"] : ["h", "z"];
      const dx = (index) => msub(x, index);
      out.push(
        line(
          "",
          row(
            m("mfrac", row(mo("∂"), dx("k")), row(mo("∂"), dx(row(mi("k"), mo("−"), mn("1"))))),
            mo("="),
            mi("diag"),
            row(mo("["), msub(gate, "k"), mo("]")),
            ...(lstm ? [] : [mo("+"), mo("…")]),
          ),
          t(lstm ? "gated_path_lstm" : "gated_path_gru", lang),
        ),
      );
      continue;
    }
    out.push(
      line(
        "",
        row(
          norm(msub("δ", "k")),
          mo("≤"),
          norm(msub("δ", "T")),
          msup(row(mo("("), msub("β", "W"), msub("β", "f"), mo(")")), row(mi("T"), mo("−"), mi("k"))),
          mspace(),
          msub("β", "W"),
          mo("="),
          mn(fmt(frame.beta_W[key])),
          mo(","),
          msub("β", "f"),
          mo("="),
          mn(fmt(frame.beta_f[key])),
        ),
        `${t("gradflow_bound", lang)} (T = ${pass.start.T})`,
      ),
    );
  }
  return out;
}
