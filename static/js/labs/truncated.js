// Truncated BPTT: choose k. On the labs' scratch session two passes of the page's sentence are
// streamed with the built-in model, one full and one truncated at k. The lab's own unrolled
// network (static/js/net.js on the truncated pass) greys the δ arrows that truncation drops for
// the error entering at o_j (j chosen, default T): that error reaches j and k−1 earlier steps.
// The grid shows the same for every output; bars compare ‖δ_t‖ of the two passes; the totals
// frame gives ‖∇_truncated − ∇_full‖ for every weight (truncation_gap).

import { exportBar } from "../export.js";
import { createNetwork } from "../net.js";
import { clear, el, languageOf, svg, weightSymbol } from "../util.js";
import { builtinModels, fullPass } from "./channel.js";
import { labLabel, lt } from "./strings.js";
import { busy, button, field, LazyLab, number, numberOf, plot, sci, statusLine, text } from "./ui.js";

const CELL = 26;

export class TruncatedLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx, { needsText: true });
    this.k = number(3, 1, 64, 1, { "data-lab-label": "k_label" });
    this.run = button("compare", { class: "lab-button primary" });
    this.status = statusLine();
    this.gap = el("div", { class: "gap-lines" });
    this.reach = el("div", { class: "reach-grid" });
    this.chart = el("div", { class: "lab-chart tr-chart" });
    this.source = number(1, 1, 64, 1, { "aria-label": "Error entering at o_j" });
    this.caption = el("p", { class: "lab-note tr-caption" });
    const netRoot = el("div", { class: "tr-net" });
    this.network = createNetwork(netRoot, { name: (lang) => labName("net_name", lang) });
    body.append(
      el("div", { class: "lab-controls" }, field("k_label", this.k), this.run),
      text("sentence_from_page", "p", { class: "hint" }),
      this.status.node,
      this.gap,
      el("div", { class: "lab-controls" }, field("source_label", this.source)),
      this.caption,
      netRoot,
      el(
        "div",
        { class: "lab-grid" },
        this.reach,
        el("div", {}, this.chart, exportBar({ name: "truncated-bptt", chart: this.chart }).node),
      ),
    );
    this.passes = null; // {full, cut, k, predict, model}
    this.view = null; // what the lab's network reads: {lang, model, predict, pass, reach}

    this.source.addEventListener("input", () => this.chooseSource(numberOf(this.source) ?? 1));
    this.reach.addEventListener("click", (event) => {
      const row = event.target.closest("[data-j]");
      if (row) this.chooseSource(Number(row.dataset.j));
    });
    this.run.addEventListener("click", () => this.load());
  }

  /** A full and a truncated pass of the page's sentence with the built-in model, on the
   *  scratch session. */
  async load() {
    const { ctx, source } = this;
    const lang = ctx.state.lang;
    const sentence = ctx.state.text;
    if (!sentence) {
      this.status.set(lt("no_sentence", lang), "error");
      return;
    }
    const depth = numberOf(this.k) ?? 1;
    await busy(this.run, this.status, lang, async () => {
      const models = await builtinModels();
      const model = models.find((m) => m.kind === "lm" && m.language === languageOf(sentence));
      const base = model ? { text: sentence, model: model.name } : { text: sentence };
      const scratch = ctx.scratch();
      const full = await fullPass(scratch, base);
      const cut = await fullPass(scratch, { ...base, truncate: depth });
      const predict = await scratch.request({ ...base, type: "predict", top_k: 1 });
      this.passes = { full, cut, k: depth, predict, model: model ?? null };
      source.max = String(full.start.T);
      source.value = String(full.start.T); // the last output: its error travels farthest
      this.draw(ctx.state.lang);
    });
  }

  draw(lang) {
    const { passes, gap } = this;
    if (!passes) return;
    const { full, cut } = passes;
    const T = full.start.T;
    clear(gap);
    const gaps = cut.totals.truncation_gap;
    if (!gaps) {
      gap.append(el("p", { class: "gap-line", "data-gap": "0" }, lt("no_truncation", lang, passes.k, T)));
    } else {
      const name = "W1" in gaps ? "W1" : Object.keys(gaps)[0];
      gap.append(
        el(
          "p",
          { class: "gap-line mono", "data-gap": String(gaps[name]) },
          lt("gap_line", lang, passes.k, sci(gaps[name]), sci(full.totals.grads[name].norm)),
        ),
      );
      gap.append(
        el(
          "p",
          { class: "hint mono" },
          Object.entries(gaps)
            .map(([n, v]) => `${weightSymbol(n)}: ${sci(v)}`)
            .join("   "),
        ),
      );
    }
    this.drawNetwork(lang);
    clear(this.reach);
    this.reach.append(reachSvg(T, passes.k, full.start.inputs, lang));
    const byT = (pass) => {
      const norms = new Array(T).fill(null);
      for (const frame of pass.backward) norms[frame.chains["1"].t - 1] = frame.chains["1"].delta_norm;
      return norms;
    };
    const steps = Array.from({ length: T }, (_, i) => i + 1);
    plot(
      this.chart,
      [
        { name: lt("bars_full", lang), x: steps, y: byT(full), type: "bar", marker: { color: "#2f5fb3" } },
        { name: lt("bars_trunc", lang, passes.k), x: steps, y: byT(cut), type: "bar", marker: { color: "#d9480f" } },
      ],
      { height: 300, barmode: "group", xaxis: { title: { text: "t" }, dtick: 1 }, yaxis: { title: { text: "‖δ_t‖" } } },
    );
  }

  /** The truncated pass in the lab's own unrolled network, at its totals (every δ arrow on). */
  drawNetwork(lang) {
    const { cut, predict, model } = this.passes;
    const pass = {
      start: cut.start,
      frames: [...cut.forward, ...cut.backward, cut.totals],
      pos: cut.start.count - 1,
      playing: false,
    };
    this.view = { lang, model, predict, pass, reach: this.reachOf(), error: null };
    this.network.render(this.view, new Set(["model", "predict", "pass", "lang"]));
    this.describeReach(lang);
  }

  /** The output whose error is followed (the control's j, within 1..T) and the depth k. */
  reachOf() {
    const T = this.passes.full.start.T;
    const j = Math.min(T, Math.max(1, Math.round(numberOf(this.source) ?? T)));
    return { from: j, k: this.passes.k };
  }

  describeReach(lang) {
    const { from: j, k: depth } = this.view.reach;
    const first = j - depth + 1;
    this.caption.textContent = first <= 1 ? lt("reach_all", lang, j, depth) : lt("reach_line", lang, j, first, depth);
    this.caption.dataset.from = String(j);
  }

  chooseSource(j) {
    const view = this.view;
    if (!view) return;
    this.source.value = String(j);
    view.reach = this.reachOf();
    this.network.render(view, new Set(["reach"]));
    this.describeReach(view.lang);
  }
}

/** Rows: the step j whose output error is injected; columns: the step t it reaches (t ≤ j).
 *  Kept when j − t < k, greyed (dropped by truncation) otherwise. Each row ends with x_j, the
 *  word read at step j, on the diagonal: the columns are the unrolled network's steps. */
function reachSvg(T, k, inputs, lang) {
  const left = 70;
  const topPad = 54;
  const size = left + T * CELL + 90; // room for the last words beside the diagonal
  const root = svg("svg", {
    class: "reach-svg",
    viewBox: `0 0 ${size} ${topPad + T * CELL + 30}`,
    role: "img",
    "aria-label": labLabel("dropped_terms", lang),
  });
  for (let t = 1; t <= T; t += 1) {
    root.append(
      svg("text", { x: left + (t - 0.5) * CELL, y: topPad - 8, "text-anchor": "middle", class: "axis" }, String(t)),
    );
  }
  for (let j = 1; j <= T; j += 1) {
    root.append(
      svg(
        "text",
        {
          x: left - 6,
          y: topPad + (j - 0.5) * CELL + 4,
          "text-anchor": "end",
          class: "axis row-pick",
          "data-j": String(j),
        },
        `o${j}`,
      ),
    );
    root.append(
      svg("text", { x: left + j * CELL + 4, y: topPad + (j - 0.5) * CELL + 4, class: "word" }, inputs[j - 1]),
    );
    for (let t = 1; t <= j; t += 1) {
      const kept = j - t < k;
      root.append(
        svg(
          "rect",
          {
            x: left + (t - 1) * CELL + 1,
            y: topPad + (j - 1) * CELL + 1,
            width: CELL - 2,
            height: CELL - 2,
            class: kept ? "kept" : "dropped",
            "data-j": String(j),
          },
          svg("title", {}, kept ? `o${j} → δ${t}` : lt("dropped", lang)),
        ),
      );
    }
  }
  root.append(
    svg("text", { x: left, y: 16, class: "axis" }, lt("grid_axis", lang, T)),
    svg("rect", { x: left, y: topPad + T * CELL + 10, width: 12, height: 12, class: "dropped" }),
    svg("text", { x: left + 18, y: topPad + T * CELL + 20, class: "axis" }, lt("dropped", lang)),
  );
  return root;
}

/** An accessible name: English alone, or "中文 / English" so English selectors still match. */
function labName(key, lang) {
  const en = lt(key, "en");
  return lang === "en" ? en : `${lt(key, lang)} / ${en}`;
}
