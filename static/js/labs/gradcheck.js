// Gradient check: the server's `gradcheck` frame compares central differences with BPTT for
// every weight of a small random model. Drawn as numeric against analytic (a correct BPTT
// puts every dot on the diagonal), with the worst relative error. The tutorial toggle adds its
// own check — identity activation, error = sum of the last state — on a correct and on its
// buggy implementation: the identity check passes on both (the blind spot), tanh catches it.

import { exportBar } from "../export.js";
import { clear, el, engineOptions, weightSymbol } from "../util.js";
import { lt } from "./strings.js";
import { busy, button, choice, field, lazyLab, number, numberOf, plot, sci, statusLine, text } from "./ui.js";

const { activations: ACTIVATIONS } = engineOptions();
const COLORS = ["#2f5fb3", "#d9480f", "#1e7a4c", "#8e44ad", "#b7791f", "#0b7285", "#c2255c", "#5c7cfa"];
const TUTORIAL_ORDER = ["identity_correct", "identity_buggy", "tanh_correct", "tanh_buggy"];
const PASS_BELOW = 1e-6;

export function createGradcheckLab(body, ctx) {
  const activation = choice(ACTIVATIONS, "tanh", { "data-tour": "activation" });
  const hidden = number(4, 1, 16, 1, { "data-tour": "hidden" });
  const steps = number(4, 1, 12, 1, { "data-tour": "steps" });
  const layers = number(1, 1, 3);
  const bidirectional = el("input", { type: "checkbox" });
  const seed = number(0, 0, 1000000);
  const tutorial = el("input", { type: "checkbox", class: "tutorial-toggle", "data-tour": "tutorial" });
  const run = button("check", { class: "lab-button primary", "data-tour": "run" });
  const status = statusLine();
  const worst = el("p", { class: "gc-worst" });
  const chart = el("div", { class: "lab-chart gc-chart" });
  const table = el("table", { class: "lab-table gc-table" });
  const tutorialBox = el("div", { class: "gc-tutorial", hidden: "" });
  body.append(
    el(
      "div",
      { class: "lab-controls" },
      field("activation", activation),
      field("hidden", hidden),
      field("steps_T", steps),
      field("layers", layers),
      field("bidirectional", bidirectional, { class: "lab-field inline" }),
      field("seed", seed),
      run,
    ),
    el("label", { class: "lab-field inline" }, tutorial, text("tutorial_toggle")),
    status.node,
    worst,
    el(
      "div",
      { class: "lab-grid" },
      el("div", {}, chart, exportBar({ name: "gradient-check", chart }).node),
      el("div", {}, table, tutorialBox),
    ),
  );
  let frame = null;

  async function check() {
    const lang = ctx.state.lang;
    await busy(run, status, lang, async () => {
      frame = await ctx.page.request({
        type: "gradcheck",
        activation: activation.value,
        hidden: numberOf(hidden) ?? 4,
        T: numberOf(steps) ?? 4,
        layers: numberOf(layers) ?? 1,
        bidirectional: bidirectional.checked,
        seed: numberOf(seed) ?? 0,
        tutorial: tutorial.checked,
      });
      draw(ctx.state.lang);
    });
  }

  function draw(lang) {
    if (!frame) return;
    worst.textContent = `${lt("worst", lang, sci(frame.worst))} — ${lt(frame.passed ? "passed" : "failed", lang)}`;
    worst.dataset.worst = String(frame.worst);
    worst.dataset.passed = String(frame.passed);
    drawScatter(lang);
    drawTable(lang);
    drawTutorial(lang);
  }

  function drawScatter(lang) {
    const names = Object.keys(frame.weights);
    const traces = names.map((name, i) => ({
      name: weightSymbol(name),
      x: frame.weights[name].samples.map((pair) => pair[1]),
      y: frame.weights[name].samples.map((pair) => pair[0]),
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
    plot(chart, traces, {
      height: 320,
      xaxis: { title: { text: lt("axis_analytic", lang) }, zeroline: false },
      yaxis: { title: { text: lt("axis_numeric", lang) }, zeroline: false },
    });
  }

  function drawTable(lang) {
    clear(table);
    table.append(el("tr", {}, el("th", {}, lt("col_weight", lang)), el("th", {}, lt("col_error", lang))));
    for (const [name, weight] of Object.entries(frame.weights)) {
      const bad = weight.max_rel_error === null || weight.max_rel_error >= PASS_BELOW;
      table.append(
        el(
          "tr",
          { class: bad ? "bad" : "" },
          el("td", { class: "mono" }, weightSymbol(name)),
          el("td", { class: "mono" }, sci(weight.max_rel_error)),
        ),
      );
    }
  }

  function drawTutorial(lang) {
    const results = frame.tutorial;
    tutorialBox.hidden = !results;
    clear(tutorialBox);
    if (!results) return;
    tutorialBox.append(el("h3", {}, lt("tutorial_title", lang)));
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
    tutorialBox.append(list, el("p", { class: "lab-note" }, lt("blind_spot", lang)));
  }

  run.addEventListener("click", check);
  tutorial.addEventListener("change", check);
  return lazyLab(check, draw, { chart });
}
