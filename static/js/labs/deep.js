// Deep lab: 1-3 stacked layers. On the labs' scratch session a fresh model with that many layers
// is configured and one bptt pass streamed; every backward frame splits δ_t of each layer into
// delta_out (from o_t, top layer), delta_time (式3, from t+1) and delta_up (式4, from the layer
// above). Drawn as a grid, layers up, time across: arrow widths ∝ the norms of those shares.

import { clear, el, languageOf, svg } from "../util.js";
import { fullPass } from "./channel.js";
import { lt } from "./strings.js";
import { busy, button, choice, field, LazyLab, sci, statusLine, text } from "./ui.js";

const HIDDEN = 8;
const COL = 92;
const ROW = 96;
const MAX_WIDTH = 9; // px, the thickest arrow
const SHOW = { "<s>": "s" };

export class DeepLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx, { needsText: true });
    this.layers = choice([1, 2, 3], 2, { "data-lab-label": "deep_layers", "data-tour": "layers" });
    this.run = button("show_flow", { class: "lab-button primary", "data-tour": "run" });
    this.status = statusLine();
    this.note = el("p", { class: "hint deep-note" });
    this.grid = el("div", { class: "deep-grid", tabindex: "0" });
    body.append(
      el("div", { class: "lab-controls" }, field("deep_layers", this.layers), this.run),
      text("sentence_from_page", "p", { class: "hint" }),
      el(
        "p",
        { class: "legend-line" },
        el("span", { class: "time-key" }, text("legend_time")),
        el("span", { class: "down-key" }, text("legend_down")),
      ),
      this.status.node,
      this.note,
      this.grid,
    );
    this.pass = null;
    this.run.addEventListener("click", () => this.load());
    this.layers.addEventListener("change", () => this.load());
  }

  /** A fresh model with the chosen layers on the scratch session, one full pass of the page's
   *  sentence through it. */
  async load() {
    const { ctx, status } = this;
    const lang = ctx.state.lang;
    const sentence = ctx.state.text;
    if (!sentence) {
      status.set(lt("no_sentence", lang), "error");
      return;
    }
    const scratch = ctx.scratch();
    await busy(this.run, status, lang, async () => {
      await scratch.request({
        type: "configure",
        num_layers: Number(this.layers.value),
        hidden_size: HIDDEN,
        language: languageOf(sentence),
        seed: 0,
      });
      this.pass = await fullPass(scratch, { text: sentence });
      this.draw(ctx.state.lang);
    });
  }

  draw(lang) {
    const pass = this.pass;
    if (!pass) return;
    const L = pass.start.chains.length;
    this.note.textContent = lt("deep_note", lang, L, pass.start.T);
    clear(this.grid);
    this.grid.append(flowSvg(pass, lang));
  }
}

/** Norms of every share of δ: shares[chain][t] = {delta, out, time, up}. */
function sharesOf(pass) {
  const shares = {};
  for (const frame of pass.backward) {
    for (const [key, chain] of Object.entries(frame.chains)) {
      shares[key] ??= {};
      shares[key][chain.t] = {
        delta: chain.delta_norm,
        out: chain.delta_out_norm,
        time: chain.delta_time_norm,
        up: chain.delta_up_norm,
      };
    }
  }
  return shares;
}

function flowSvg(pass, lang) {
  const keys = pass.start.chains; // "1", "2", … bottom to top
  const L = keys.length;
  const T = pass.start.T;
  const shares = sharesOf(pass);
  const all = Object.values(shares).flatMap((byT) => Object.values(byT).flatMap((s) => [s.out, s.time, s.up]));
  const top = Math.max(...all.filter((v) => v !== null), 1e-12);
  const width = (v) => (v === null ? 1 : Math.max(0.6, (MAX_WIDTH * v) / top));
  const x = (t) => 110 + (t - 1) * COL;
  const y = (layer) => 50 + (L - layer) * ROW;
  const height = y(1) + 70;
  const root = svg("svg", {
    class: "deep-svg",
    viewBox: `0 0 ${x(T) + 60} ${height}`,
    role: "img",
    "aria-label": "Deep BPTT",
  });
  keys.forEach((key, i) => {
    const layer = i + 1;
    root.append(svg("text", { x: 6, y: y(layer) + 4, class: "layer-label" }, lt("layer_n", lang, layer)));
    for (let t = 1; t <= T; t += 1) {
      const s = shares[key][t];
      if (t < T) root.append(arrow(x(t + 1) - 16, y(layer), x(t) + 16, y(layer), width(shares[key][t].time), "time"));
      if (layer < L) root.append(arrow(x(t), y(layer + 1) + 16, x(t), y(layer) - 16, width(s.up), "down"));
      if (layer === L) root.append(arrow(x(t), y(layer) - 44, x(t), y(layer) - 16, width(s.out), "out"));
      root.append(
        svg(
          "circle",
          {
            cx: x(t),
            cy: y(layer),
            r: 15,
            class: "node",
            "data-chain": key,
            "data-t": String(t),
            "data-norm": String(s.delta),
          },
          svg("title", {}, `‖δ_${t}‖ = ${sci(s.delta)}`),
        ),
        svg("text", { x: x(t) + 6, y: y(layer) + 32, class: "norm" }, sci(s.delta)),
      );
    }
  });
  pass.start.inputs.forEach((word, i) => {
    root.append(
      svg("text", { x: x(i + 1), y: height - 8, class: "word", "text-anchor": "middle" }, SHOW[word] ?? word),
    );
  });
  return root;
}

function arrow(x1, y1, x2, y2, w, kind) {
  const dx = Math.sign(x2 - x1);
  const dy = Math.sign(y2 - y1);
  const head = 4 + w;
  return svg(
    "g",
    { class: `flow ${kind}` },
    svg("line", { x1, y1, x2: x2 - dx * head, y2: y2 - dy * head, "stroke-width": w.toFixed(2) }),
    svg("path", {
      d: `M${x2},${y2} L${x2 - dx * head - dy * head * 0.6},${y2 - dy * head - dx * head * 0.6} L${x2 - dx * head + dy * head * 0.6},${y2 - dy * head + dx * head * 0.6} z`,
    }),
  );
}
