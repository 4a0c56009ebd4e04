// Per-time gradient cards: ∇W_k = δ_k s_{k−1}ᵀ (式5) for every k the backward pass has visited,
// "+" between them, "=" the running sum (式6), and at the end the total ∇W. Heatmaps on canvas,
// one diverging scale shared by all cards so they can be compared. Reads state.pass only.

import { t } from "./i18n.js";
import { clear, divergingRgb, el, fmt, maxAbs, sub, weightSymbol } from "./util.js";

export function createGradsum(root, _actions) {
  const hint = el("p", { class: "hint" });
  const empty = el("p", { class: "empty" });
  const strip = el("div", { class: "cards" });
  root.append(hint, empty, strip);

  function render(state, changed) {
    if (!["pass", "pos", "lang", "error"].some((c) => changed.has(c))) return;
    hint.textContent = t("gradsum_hint", state.lang);
    empty.textContent = t("gradsum_empty", state.lang);
    clear(strip);
    const pass = state.pass;
    const key = pass?.start.chains[0];
    const visited = pass ? visitedFrames(pass) : [];
    empty.hidden = visited.length > 0;
    if (!visited.length) return;
    const chains = visited.map((f) => f.chains[key]);
    const last = chains[chains.length - 1];
    const totals = pass.frames[pass.pos]?.type === "bptt_totals" ? pass.frames[pass.pos] : null;
    const scale = Math.max(1e-300, ...chains.map((c) => (c.dW ? maxAbs(c.dW) : 0)), last.dW_sum ? maxAbs(last.dW_sum) : 0);
    const W = weightSymbol(`W${key}`);
    chains.forEach((c, i) => {
      if (i > 0) strip.append(el("span", { class: "op" }, "+"));
      strip.append(card(c.dW, sub(`∇${W}`, c.t), c.dW_norm, scale, state.lang));
    });
    strip.append(el("span", { class: "op" }, "="));
    if (totals) {
      const total = totals.grads[`W${key}`]; // the protocol names weights by chain: W1, W1', W2
      strip.append(card(total.matrix, t("gradsum_total", state.lang), total.norm, scale, state.lang, "total"));
    } else {
      strip.append(card(last.dW_sum, t("gradsum_sum", state.lang), last.dW_sum_norm, scale, state.lang, "sum"));
    }
    strip.scrollLeft = strip.scrollWidth;
  }

  return { render };
}

/** The backward frames visited so far (and none when the pass is still going forward). */
function visitedFrames(pass) {
  const out = [];
  for (let p = 0; p <= pass.pos; p += 1) {
    if (pass.frames[p]?.type === "bptt_backward") out.push(pass.frames[p]);
  }
  return out;
}

/** A card: the matrix as a heatmap (or only its norm when the server sent no matrix). */
function card(matrix, title, norm, scale, lang, kind = "step") {
  const figure = el("figure", { class: `card ${kind}` });
  if (matrix) figure.append(heatmap(matrix, scale));
  else figure.append(el("div", { class: "no-matrix" }, t("no_matrices", lang)));
  figure.append(el("figcaption", {}, el("span", { class: "name" }, title), el("span", { class: "norm" }, `‖·‖ = ${fmt(norm)}`)));
  return figure;
}

function heatmap(matrix, scale) {
  const rows = matrix.length;
  const cols = matrix[0].length;
  const canvas = el("canvas", { width: String(cols), height: String(rows), class: "heat" });
  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < cols; j += 1) {
      const [r, g, b] = divergingRgb(matrix[i][j], scale);
      const at = 4 * (i * cols + j);
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}
