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
  for (const key of keys) {
    const c = frame.chains[key];
    const n = names(key);
    out.push(...chainHead(keys, n, lang));
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
  out.push(
    line(
      "式1",
      row(
        msub("o", "t"),
        mo("="),
        mi("softmax"),
        row(mo("("), mi("V"), msub("s", "t"), ...cTerm, mo(")")),
        mspace(),
        msub("o", "t"),
        row(mo("["), msub("y", "t"), mo("]")),
        mo("="),
        mn(fmt(frame.p_label)),
        mspace(),
        msub("E", "t"),
        mo("="),
        mo("−"),
        mi("log"),
        msub("o", "t"),
        row(mo("["), msub("y", "t"), mo("]")),
        mo("="),
        mn(fmt(frame.loss_t)),
      ),
      t("label_note", lang, frame.y, frame.label),
    ),
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
      line(
        "式5",
        row(
          msub(`∇${n.W}`, "k"),
          mo("="),
          msub("δ", "k"),
          subT(n.s, n.backward ? row(mi("k"), mo("+"), mn("1")) : row(mi("k"), mo("−"), mn("1"))),
          mspace(),
          norm(msub(`∇${n.W}`, "k")),
          mo("="),
          mn(fmt(c.dW_norm)),
        ),
      ),
      line(
        "式8",
        row(
          msub(`∇${n.U}`, "k"),
          mo("="),
          msub("δ", "k"),
          subT(n.layer > 1 ? `s${chainSuffix(String(n.layer - 1))}` : "x", mi("k")),
          mspace(),
          norm(msub(`∇${n.U}`, "k")),
          mo("="),
          mn(fmt(c.dU_norm)),
        ),
        c.dU_index === null ? null : t("only_column", lang, c.dU_index),
      ),
      line(
        "式6",
        row(
          mi(`∇${n.W}`),
          mo("="),
          m("munderover", mo("∑"), row(mi("i"), mo("="), mi("k")), n.backward ? mi("1") : T_()),
          msub(`∇${n.W}`, "i"),
          mspace(),
          norm(mi(`∇${n.W}`)),
          mo("="),
          mn(fmt(c.dW_sum_norm)),
        ),
        t("running_sum", lang),
      ),
    );
  }
  return out;
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
