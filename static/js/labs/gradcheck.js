// Gradient check: the server's `gradcheck` frame compares central differences with BPTT for
// every weight of a small random model. Drawn as numeric against analytic (a correct BPTT
// puts every dot on the diagonal), with the worst relative error. The tutorial toggle adds its
// own check — identity activation, error = sum of the last state — on a correct and on its
// buggy implementation: the identity check passes on both (the blind spot), tanh catches it.

import { exportBar } from "../export.js";
import { clear, el, engineOptions, weightSymbol } from "../util.js";
import { lt } from "./strings.js";
import { busy, button, choice, field, LazyLab, number, numberOf, plot, sci, statusLine, text } from "./ui.js";

const { activations: ACTIVATIONS } = engineOptions();
const COLORS = ["#2f5fb3", "#d9480f", "#1e7a4c", "#8e44ad", "#b7791f", "#0b7285", "#c2255c", "#5c7cfa"];
const TUTORIAL_ORDER = ["identity_correct", "identity_buggy", "tanh_correct", "tanh_buggy"];

export class GradcheckLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx);
    this.activation = choice(ACTIVATIONS, "tanh", { "data-tour": "activation" });
    this.hidden = number(4, 1, 16, 1, { "data-tour": "hidden" });
    this.steps = number(4, 1, 12, 1, { "data-tour": "steps" });
    this.layers = number(1, 1, 3);
    this.bidirectional = el("input", { type: "checkbox" });
    this.seed = number(0, 0, 1000000);
    this.tutorial = el("input", { type: "checkbox", class: "tutorial-toggle", "data-tour": "tutorial" });
    this.run = button("check", { class: "lab-button primary", "data-tour": "run" });
    this.status = statusLine();
    this.worst = el("p", { class: "gc-worst" });
    this.chart = el("div", { class: "lab-chart gc-chart" });
    this.table = el("table", { class: "lab-table gc-table" });
    this.tutorialBox = el("div", { class: "gc-tutorial", hidden: "" });
    body.append(
      el(
        "div",
        { class: "lab-controls" },
        field("activation", this.activation),
        field("hidden", this.hidden),
        field("steps_T", this.steps),
        field("layers", this.layers),
        field("bidirectional", this.bidirectional, { class: "lab-field inline" }),
        field("seed", this.seed),
        this.run,
      ),
      el("label", { class: "lab-field inline" }, this.tutorial, text("tutorial_toggle")),
      this.status.node,
      this.worst,
      el(
        "div",
        { class: "lab-grid" },
        el("div", {}, this.chart, exportBar({ name: "gradient-check", chart: this.chart }).node),
        el("div", {}, this.table, this.tutorialBox),
      ),
    );
    this.frame = null;
    this.run.addEventListener("click", () => this.load());
    this.tutorial.addEventListener("change", () => this.load());
  }

  /** Ask for a gradient check of a random model with the controls' sizes. */
  async load() {
    const lang = this.ctx.state.lang;
    await busy(this.run, this.status, lang, async () => {
      this.frame = await this.ctx.page.request({
        type: "gradcheck",
        activation: this.activation.value,
        hidden: numberOf(this.hidden) ?? 4,
        T: numberOf(this.steps) ?? 4,
        layers: numberOf(this.layers) ?? 1,
        bidirectional: this.bidirectional.checked,
        seed: numberOf(this.seed) ?? 0,
        tutorial: this.tutorial.checked,
      });
      this.draw(this.ctx.state.lang);
    });
  }

  draw(lang) {
    const frame = this.frame;
    if (!frame) return;
    const worst = this.worst;
    worst.textContent = `${lt("worst", lang, sci(frame.worst))} — ${lt(frame.passed ? "passed" : "failed", lang)}`;
    worst.dataset.worst = String(frame.worst);
    worst.dataset.passed = String(frame.passed);
    this.drawScatter(lang);
    this.drawTable(lang);
    this.drawTutorial(lang);
  }

  /** Numeric against analytic for every checked entry, one colour per weight. */
  drawScatter(lang) {
    const weights = this.frame.weights;
    const traces = Object.keys(weights).map((name, i) => ({
      name: weightSymbol(name),
      x: weights[name].samples.map((pair) => pair[1]),
      y: weights[name].samples.map((pair) => pair[0]),
      mode: "markers",
      type: "scatter",
      marker: { size: 8, color: COLORS[i % COLORS.length], opacity: 0.8 },
    }));
    const all = traces.flatMap((trace) => [...trace.x, ...trace.y]).filter((v) => v !== null);
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    traces.unshift({
      name: lt("diagonal", lang),
      x: [lo, hi],
      y: [lo, hi],
      mode: "lines",
      line: { color: "#98a2b3", dash: "dash", width: 1.5 },
    });
    plot(this.chart, traces, {
      height: 320,
      xaxis: { title: { text: lt("axis_analytic", lang) }, zeroline: false },
      yaxis: { title: { text: lt("axis_numeric", lang) }, zeroline: false },
    });
  }

  drawTable(lang) {
    const table = this.table;
    clear(table);
    table.append(el("tr", {}, el("th", {}, lt("col_weight", lang)), el("th", {}, lt("col_error", lang))));
    for (const [name, weight] of Object.entries(this.frame.weights)) {
      table.append(
        el(
          "tr",
          { class: weight.passed ? "" : "bad" },
          el("td", { class: "mono" }, weightSymbol(name)),
          el("td", { class: "mono" }, sci(weight.max_rel_error)),
        ),
      );
    }
  }

  drawTutorial(lang) {
    const results = this.frame.tutorial;
    const box = this.tutorialBox;
    box.hidden = !results;
    clear(box);
    if (!results) return;
    box.append(el("h3", {}, lt("tutorial_title", lang)));
    const list = el("ul", { class: "verdicts" });
    for (const key of TUTORIAL_ORDER.filter((k) => k in results)) {
      const passed = Boolean(results[key].passed);
      list.append(
        el(
          "li",
          { class: passed ? "pass" : "fail", "data-check": key, "data-passed": String(passed) },
          el("span", { class: "verdict" }, lt(passed ? "verdict_pass" : "verdict_fail", lang)),
          ` ${lt(`tut_${key}`, lang)} `,
          el("span", { class: "mono" }, sci(results[key].max_rel_error)),
        ),
      );
    }
    box.append(list, el("p", { class: "lab-note" }, lt("blind_spot", lang)));
  }
}
