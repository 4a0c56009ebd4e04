// Truncated BPTT: choose k. On the labs' scratch session two passes of the page's sentence are
// streamed with the built-in model, one full and one truncated at k. The grid shows which
// output error reaches which step (an error injected at step j reaches j and k−1 earlier steps;
// the rest is dropped, grey); bars compare ‖δ_t‖ of the two passes; the totals frame gives
// ‖∇_truncated − ∇_full‖ for every weight (truncation_gap).

import { clear, el, svg, weightSymbol } from "../util.js";
import { builtinModels, fullPass, languageOf } from "./channel.js";
import { lt } from "./strings.js";
import { button, failure, field, number, numberOf, plot, resize, sci, statusLine, text } from "./ui.js";

const CELL = 26;

export function createTruncatedLab(body, ctx) {
  const k = number(3, 1, 64, 1, { "aria-label": "Truncate at k" });
  const run = button("compare", { class: "lab-button primary" });
  const status = statusLine();
  const gap = el("div", { class: "gap-lines" });
  const reach = el("div", { class: "reach-grid" });
  const chart = el("div", { class: "lab-chart tr-chart" });
  body.append(
    el("div", { class: "lab-controls" }, field("k_label", k), run),
    text("sentence_from_page", "p", { class: "hint" }),
    status.node,
    gap,
    el("div", { class: "lab-grid" }, reach, chart),
  );
  let passes = null; // {full, cut, k}
  let loaded = false;

  async function compute() {
    const lang = ctx.state.lang;
    const sentence = ctx.state.text;
    if (!sentence) {
      status.set(lt("no_sentence", lang), "error");
      return;
    }
    const depth = numberOf(k) ?? 1;
    status.set(lt("working", lang), "busy");
    run.disabled = true;
    try {
      const models = await builtinModels();
      const model = models.find((m) => m.kind === "lm" && m.language === languageOf(sentence));
      const base = model ? { text: sentence, model: model.name } : { text: sentence };
      const scratch = ctx.scratch();
      const full = await fullPass(scratch, base);
      const cut = await fullPass(scratch, { ...base, truncate: depth });
      passes = { full, cut, k: depth };
      status.set("", "");
      draw(ctx.state.lang);
    } catch (error) {
      status.set(failure(error, lang), "error");
    } finally {
      run.disabled = false;
    }
  }

  function draw(lang) {
    if (!passes) return;
    const { full, cut } = passes;
    const T = full.start.T;
    clear(gap);
    const gaps = cut.totals.truncation_gap;
    if (!gaps) {
      gap.append(el("p", { class: "gap-line", "data-gap": "0" }, lt("no_truncation", lang, passes.k, T)));
    } else {
      const name = "W1" in gaps ? "W1" : Object.keys(gaps)[0];
      gap.append(el("p", { class: "gap-line mono", "data-gap": String(gaps[name]) }, lt("gap_line", lang, passes.k, sci(gaps[name]), sci(full.totals.grads[name].norm))));
      gap.append(el("p", { class: "hint mono" }, Object.entries(gaps).map(([n, v]) => `${weightSymbol(n)}: ${sci(v)}`).join("   ")));
    }
    clear(reach);
    reach.append(reachSvg(T, passes.k, full.start.inputs, lang));
    const byT = (pass) => {
      const norms = new Array(T).fill(null);
      for (const frame of pass.backward) norms[frame.chains["1"].t - 1] = frame.chains["1"].delta_norm;
      return norms;
    };
    const steps = Array.from({ length: T }, (_, i) => i + 1);
    plot(
      chart,
      [
        { name: lt("bars_full", lang), x: steps, y: byT(full), type: "bar", marker: { color: "#2f5fb3" } },
        { name: lt("bars_trunc", lang, passes.k), x: steps, y: byT(cut), type: "bar", marker: { color: "#d9480f" } },
      ],
      { height: 300, barmode: "group", xaxis: { title: { text: "t" }, dtick: 1 }, yaxis: { title: { text: "‖δ_t‖" } } },
    );
  }

  run.addEventListener("click", compute);
  function show(state) {
    resize(chart);
    if (loaded || state.connection !== "open" || !state.text) return;
    loaded = true;
    compute();
  }
  return {
    show,
    render(state, changed, visible) {
      if (changed.has("lang")) draw(state.lang);
      if (visible && (changed.has("connection") || changed.has("predict"))) show(state);
    },
  };
}

/** Rows: the step j whose output error is injected; columns: the step t it reaches (t ≤ j).
 *  Kept when j − t < k, greyed (dropped by truncation) otherwise. Each row ends with x_j, the
 *  word read at step j, on the diagonal: the columns are the unrolled network's steps. */
function reachSvg(T, k, inputs, lang) {
  const left = 70;
  const topPad = 54;
  const size = left + T * CELL + 90; // room for the last words beside the diagonal
  const root = svg("svg", { class: "reach-svg", viewBox: `0 0 ${size} ${topPad + T * CELL + 30}`, role: "img", "aria-label": "Dropped terms" });
  for (let t = 1; t <= T; t += 1) {
    root.append(svg("text", { x: left + (t - 0.5) * CELL, y: topPad - 8, "text-anchor": "middle", class: "axis" }, String(t)));
  }
  for (let j = 1; j <= T; j += 1) {
    root.append(svg("text", { x: left - 6, y: topPad + (j - 0.5) * CELL + 4, "text-anchor": "end", class: "axis" }, `o${j}`));
    root.append(svg("text", { x: left + j * CELL + 4, y: topPad + (j - 0.5) * CELL + 4, class: "word" }, inputs[j - 1]));
    for (let t = 1; t <= j; t += 1) {
      const kept = j - t < k;
      root.append(svg("rect", { x: left + (t - 1) * CELL + 1, y: topPad + (j - 1) * CELL + 1, width: CELL - 2, height: CELL - 2, class: kept ? "kept" : "dropped" }, svg("title", {}, kept ? `o${j} → δ${t}` : lt("dropped", lang))));
    }
  }
  root.append(
    svg("text", { x: left, y: 16, class: "axis" }, lt("grid_axis", lang, T)),
    svg("rect", { x: left, y: topPad + T * CELL + 10, width: 12, height: 12, class: "dropped" }),
    svg("text", { x: left + 18, y: topPad + T * CELL + 20, class: "axis" }, lt("dropped", lang)),
  );
  return root;
}
