// Bidirectional lab: a sentence with ____ read by the built-in bidirectional model (`predict`
// with its name, read-only). Both chains are drawn, s_t reading → and s'_t reading ←, one strip
// of hidden units per input; beside them the blank's distribution and the left-only model's
// guess (the frame's blank.rnn and blank.left_only).

import { clear, diverging, el, languageOf, maxAbs, svg } from "../util.js";
import { builtinModels } from "./channel.js";
import { labLabel, lt } from "./strings.js";
import { button, exampleInput, failure, field, LazyLab, statusLine } from "./ui.js";

const TOP = 8;
const COL = 74; // px per input column
const UNIT_H = 4; // px per hidden unit
const SHOW = { "<s>": "s", "</s>": "e", "<blank>": "____" };

export class BidirectionalLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx);
    this.example = exampleInput(
      { en: "blank_default", zh: "blank_default_zh" },
      { class: "blank-input", "data-lab-label": "blank_sentence", "data-tour": "sentence" },
    );
    this.input = this.example.input;
    const fill = button("fill", { class: "lab-button primary", "data-tour": "run" });
    this.status = statusLine();
    this.chains = el("div", { class: "bi-chains", tabindex: "0" });
    this.bars = el("div", { class: "bi-bars" });
    body.append(
      el("div", { class: "lab-controls" }, field("blank_sentence", this.input), fill),
      this.status.node,
      this.chains,
      this.bars,
    );
    this.frame = null;
    fill.addEventListener("click", () => this.load());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.load();
    });
  }

  /** Read the sentence with the built-in blank model of its language. */
  async load() {
    const { ctx, status } = this;
    const lang = ctx.state.lang;
    const text = this.input.value.trim();
    status.set(lt("working", lang), "busy");
    try {
      const models = await builtinModels();
      const model =
        models.find((m) => m.kind === "blank" && m.language === languageOf(text)) ??
        models.find((m) => m.kind === "blank");
      if (!model) {
        status.set(lt("no_blank_model", lang), "error");
        return;
      }
      this.frame = await ctx.page.request({ type: "predict", text, model: model.name, top_k: TOP });
      status.set("", "");
      this.draw(ctx.state.lang);
    } catch (error) {
      status.set(failure(error, lang), "error");
    }
  }

  draw(lang) {
    const frame = this.frame;
    if (!frame?.blank) return;
    clear(this.chains);
    this.chains.append(chainsSvg(frame, lang));
    clear(this.bars);
    this.bars.append(
      barList(lt("both_sides", lang), frame.blank.rnn, "both"),
      barList(lt("left_only", lang, frame.blank.left_only_model ?? ""), frame.blank.left_only ?? [], "left"),
    );
  }
}

/** The inputs along the bottom; s_t above them with → arrows, s'_t on top with ← arrows. */
function chainsSvg(frame, lang) {
  const forward = frame.states["1"];
  const backward = frame.states["1'"];
  const T = frame.inputs.length;
  const H = forward[0].length;
  const stripH = H * UNIT_H;
  const width = 150 + T * COL;
  const yBack = 30;
  const yFwd = yBack + stripH + 40;
  const yWord = yFwd + stripH + 34;
  const d = maxAbs([...forward, ...backward]);
  const root = svg("svg", {
    class: "bi-svg",
    viewBox: `0 0 ${width} ${yWord + 16}`,
    role: "img",
    "aria-label": labLabel("both_chains", lang),
  });
  root.append(
    svg("text", { x: 4, y: yBack - 8, class: "chain-label" }, lt("backward_chain", lang)),
    svg("text", { x: 4, y: yFwd - 8, class: "chain-label" }, lt("forward_chain", lang)),
  );
  frame.inputs.forEach((word, t) => {
    const x = 150 + t * COL;
    const blank = t - 1 === frame.blank.index;
    if (blank) root.append(svg("rect", { x: x - 6, y: 4, width: COL - 14, height: yWord + 8, class: "blank-col" }));
    root.append(strip(backward[t], x, yBack, d), strip(forward[t], x, yFwd, d));
    root.append(
      svg(
        "text",
        { x: x + 24, y: yWord, class: blank ? "word blank" : "word", "text-anchor": "middle" },
        SHOW[word] ?? word,
      ),
    );
    if (t < T - 1) {
      root.append(arrow(x + 52, yFwd + stripH / 2, x + COL - 4, yFwd + stripH / 2, "fwd"));
      root.append(arrow(x + COL - 4, yBack + stripH / 2, x + 52, yBack + stripH / 2, "bwd"));
    }
  });
  return root;
}

function strip(values, x, y, d) {
  const group = svg("g", { class: "strip" });
  values.forEach((v, i) => {
    group.append(
      svg(
        "rect",
        { x, y: y + i * UNIT_H, width: 48, height: UNIT_H, fill: diverging(v, d) },
        svg("title", {}, v === null ? "NaN" : v.toFixed(4)),
      ),
    );
  });
  group.append(svg("rect", { x, y, width: 48, height: values.length * UNIT_H, class: "frame" }));
  return group;
}

function arrow(x1, y1, x2, y2, kind) {
  const dir = Math.sign(x2 - x1);
  return svg(
    "g",
    { class: `arrow ${kind}` },
    svg("line", { x1, y1, x2: x2 - 6 * dir, y2 }),
    svg("path", { d: `M${x2},${y2} l${-7 * dir},-4 l0,8 z` }),
  );
}

function barList(title, guesses, kind) {
  const top = Math.max(...guesses.map((g) => g.p ?? 0), 1e-9);
  return el(
    "div",
    { class: `bar-list ${kind}`, "data-kind": kind },
    el("h3", {}, title),
    ...guesses.map((g) => {
      const bar = el("span", { class: "bar" });
      bar.style.width = `${(100 * (g.p ?? 0)) / top}%`;
      return el(
        "div",
        { class: "norm-row", "data-word": g.word },
        el("span", { class: "word" }, g.word),
        el("span", { class: "bar-track" }, bar),
        el("span", { class: "mono" }, g.p === null ? "NaN" : `${(100 * g.p).toFixed(1)}%`),
      );
    }),
  );
}
