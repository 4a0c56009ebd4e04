// Per-time gradient cards: ∇W_k = δ_k s_{k−1}ᵀ (式5) for every k the backward pass has visited,
// "+" between them, "=" the running sum (式6), and at the end the total ∇W. Heatmaps on canvas,
// one diverging scale shared by all cards so they can be compared. Reads state.pass only.
// A card is built once per frame and repainted only when the shared scale changes.

import { t } from "./i18n.js";
import { el, fmt, maxAbs, notation, paintMatrix, sub, weightSymbol } from "./util.js";

export function createGradsum(root) {
  const hint = el("p", { class: "hint" });
  const empty = el("p", { class: "empty" });
  const strip = el("div", { class: "cards", tabindex: "0" });
  root.append(hint, empty, strip);
  let cache = { pass: null, lang: null, cards: new Map() }; // frame position → card

  function render(state, changed) {
    if (!["pass", "pos", "lang", "error"].some((c) => changed.has(c))) return;
    hint.replaceChildren(...notation(t("gradsum_hint", state.lang)));
    empty.replaceChildren(...notation(t("gradsum_empty", state.lang)));
    const pass = state.pass;
    if (cache.pass !== pass || cache.lang !== state.lang) {
      cache = { pass, lang: state.lang, cards: new Map() };
    }
    const visited = pass ? visitedPositions(pass) : [];
    const totals = pass?.frames[pass.pos]?.type === "bptt_totals" ? pass.frames[pass.pos] : null;
    const nothing = visited.length === 0 && !totals;
    empty.hidden = !nothing;
    if (nothing) {
      strip.replaceChildren();
      return;
    }
    const key = pass.start.chains[0];
    const W = weightSymbol(`W${key}`);
    const cards = visited.map((p) => {
      const c = pass.frames[p].chains[key];
      if (!cache.cards.has(p)) cache.cards.set(p, card(sub(`∇${W}`, c.t), c.dW, c.dW_norm, state.lang));
      return cache.cards.get(p);
    });
    const total = totals?.grads[`W${key}`]; // the protocol names weights by chain: W1, W1', W2
    const last = visited.length ? pass.frames[visited[visited.length - 1]].chains[key] : null;
    const result = total
      ? card(t("gradsum_total", state.lang), total.matrix, total.norm, state.lang, "total")
      : card(t("gradsum_sum", state.lang), last.dW_sum, last.dW_sum_norm, state.lang, "sum");
    const scale = sharedScale(cards, result);
    const parts = [];
    cards.forEach((c, i) => {
      if (i > 0) parts.push(el("span", { class: "op" }, "+"));
      parts.push(c.show(scale));
    });
    if (cards.length) parts.push(el("span", { class: "op" }, "="));
    parts.push(result.show(scale));
    strip.replaceChildren(...parts);
    strip.scrollLeft = strip.scrollWidth;
  }

  return { render };
}

/** Positions of the backward frames visited so far (none while the pass goes forward). */
function visitedPositions(pass) {
  const out = [];
  for (let p = 0; p <= pass.pos; p += 1) {
    if (pass.frames[p]?.type === "bptt_backward") out.push(p);
  }
  return out;
}

/**
 * One colour scale for every card: the largest |entry| over the visited ∇W_k and the running
 * sum, rounded up to a power of 2 so the cards are repainted only when it doubles.
 */
function sharedScale(cards, sum) {
  const largest = Math.max(1e-300, ...cards.map((c) => c.largest), sum.largest);
  return 2 ** Math.ceil(Math.log2(largest));
}

/** A card: the matrix as a heatmap (or only its norm when the server sent no matrix). */
function card(title, matrix, norm, lang, kind = "step") {
  const figure = el("figure", { class: `card ${kind}` });
  let paint = () => {};
  if (matrix) {
    const canvas = el("canvas", { width: String(matrix[0].length), height: String(matrix.length), class: "heat" });
    const context = canvas.getContext("2d");
    const image = context.createImageData(canvas.width, canvas.height);
    paint = (scale) => {
      paintMatrix(image.data, matrix, scale);
      context.putImageData(image, 0, 0);
    };
    figure.append(canvas);
  } else {
    figure.append(el("div", { class: "no-matrix" }, t("no_matrices", lang)));
  }
  figure.append(
    el("figcaption", {}, el("span", { class: "name" }, title), el("span", { class: "norm" }, `‖·‖ = ${fmt(norm)}`)),
  );
  let painted = null;
  return {
    largest: matrix ? maxAbs(matrix) : 0,
    show(scale) {
      if (painted !== scale) paint(scale);
      painted = scale;
      return figure;
    },
  };
}
