// Exploding and vanishing gradients: the server's `vanishing` frame carries a given unit δ_T
// (seeded) back through 式3, δ_k = δ_{k+1} W diag[f′(net_k)], along the forward pass of a random
// W of chosen spectral radius, and gives ‖δ_k‖ for every k with the bound ‖δ_T‖(β_W β_f)^{T−k}.
// Drawn as ‖δ_k‖/‖δ_T‖ against T−k on a log scale, with where NaN appears, what clipping does
// to the gradient, and the tutorial's three remedies one click away.

import { exportBar } from "../export.js";
import { el, engineOptions, notation, plotNotation } from "../util.js";
import { lt } from "./strings.js";
import { button, choice, field, fixed, LazyLab, newestAnswer, plot, sci, statusLine, text } from "./ui.js";

const { activations: ACTIVATIONS, inits: INITS } = engineOptions();
const HIDDEN = 32;
const SLIDE_PAUSE_MS = 150;

/** The settings each remedy switches to (the gated cell path: a linear unit, W = I). */
const REMEDIES = {
  init: { init: "identity", radius: 1 },
  relu: { activation: "relu", init: "identity", radius: 1 },
  gated: { activation: "identity", init: "identity", radius: 1 },
};

/** The lab's `vanishing` message from its controls' values (the tour asks with the same). */
export function vanishingMessage({ activation, radius, steps, init, clip, clip_at }) {
  return {
    type: "vanishing",
    activation,
    radius: Number(radius),
    T: Number(steps),
    hidden: HIDDEN,
    init,
    clip: clip ? Number(clip_at) : null,
    seed: 0,
  };
}

export class VanishingLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx);
    this.radius = el("input", {
      type: "range",
      min: "0.1",
      max: "10",
      step: "0.05",
      value: "0.8",
      "aria-label": "Spectral radius of W",
      "data-tour": "radius",
    });
    this.radiusValue = el("span", { class: "value" });
    this.steps = el("input", {
      type: "range",
      min: "2",
      max: "200",
      step: "1",
      value: "50",
      "aria-label": "Steps T",
      "data-tour": "steps",
    });
    this.stepsValue = el("span", { class: "value" });
    this.activation = choice(ACTIVATIONS, "tanh", { "data-lab-label": "activation", "data-tour": "activation" });
    this.init = choice(
      INITS,
      "xavier",
      { "aria-label": "Initialisation", "data-tour": "init" },
      { tutorial: "init_tutorial" },
    );
    this.clipOn = el("input", {
      type: "checkbox",
      class: "clip-toggle",
      "data-lab-label": "clip_on",
      "data-tour": "clip",
    });
    this.clipAt = el("input", {
      type: "number",
      value: "5",
      min: "0.01",
      step: "any",
      "aria-label": "clip threshold",
      "data-tour": "clip_at",
    });
    this.status = statusLine();
    this.chart = el("div", { class: "lab-chart vg-chart" });
    this.readout = el("div", { class: "vg-readout" });
    const remedyButtons = Object.keys(REMEDIES).map((name) => button(`remedy_${name}`, { "data-remedy": name }));
    this.said = el("p", { class: "lab-note vg-said", "aria-live": "polite" });
    body.append(
      el(
        "div",
        { class: "lab-controls" },
        field("radius", el("span", { class: "lab-field inline" }, this.radius, this.radiusValue)),
        field("steps_T", el("span", { class: "lab-field inline" }, this.steps, this.stepsValue)),
        field("activation", this.activation),
        field("init", this.init),
        el("label", { class: "lab-field inline" }, this.clipOn, text("clip_on"), this.clipAt),
      ),
      el("div", { class: "lab-controls remedies" }, text("remedies"), ...remedyButtons),
      this.said,
      this.status.node,
      el(
        "div",
        { class: "lab-grid vg-grid" },
        el("div", {}, this.chart, exportBar({ name: "vanishing-gradients", chart: this.chart }).node),
        this.readout,
      ),
    );
    this.frame = null;
    this.timer = null;
    this.ask = newestAnswer(this.status);
    this.remedy = null; // {name, before: ratio at k = 1} while a remedy's answer is awaited

    for (const control of [this.radius, this.steps]) control.addEventListener("input", () => this.schedule());
    for (const control of [this.activation, this.init, this.clipOn, this.clipAt]) {
      control.addEventListener("change", () => this.schedule());
    }
    for (const node of remedyButtons) node.addEventListener("click", () => this.applyRemedy(node.dataset.remedy));
  }

  settings() {
    return vanishingMessage({
      activation: this.activation.value,
      radius: this.radius.value,
      steps: this.steps.value,
      init: this.init.value,
      clip: this.clipOn.checked,
      clip_at: this.clipAt.value,
    });
  }

  /** Ask for δ carried back with the controls' settings. */
  async load() {
    const lang = this.ctx.state.lang;
    this.radiusValue.textContent = Number(this.radius.value).toFixed(2);
    this.stepsValue.textContent = this.steps.value;
    await this.ask(this.ctx.page.request(this.settings()), lang, (answer) => {
      this.frame = answer;
      this.draw(this.ctx.state.lang);
    });
  }

  draw(lang) {
    const frame = this.frame;
    if (!frame) return;
    const T = frame.T;
    const steps = frame.ratio.map((_, i) => i + 1); // k = 1..T left to right, as in Gradient flow
    // ‖δ_T‖ = 1: the frame's bound ‖δ_T‖(β_W β_f)^{T−k} is the ratio's bound as it stands
    const traces = [
      {
        name: plotNotation(lt("ratio_trace", lang)),
        x: steps,
        y: frame.ratio,
        mode: "lines+markers",
        line: { color: "#d9480f", width: 2.5 },
        marker: { size: 4 },
      },
      {
        name: plotNotation(lt("bound_trace", lang)),
        x: steps,
        y: frame.bound,
        mode: "lines",
        line: { color: "#5b6b82", dash: "dash", width: 1.8 },
      },
    ];
    const shapes = [];
    const annotations = [];
    const broken = frame.nan_at;
    if (broken !== null) {
      shapes.push({
        type: "line",
        x0: broken,
        x1: broken,
        yref: "paper",
        y0: 0,
        y1: 1,
        line: { color: "#8a1c1c", width: 2 },
      });
      annotations.push({
        x: broken,
        yref: "paper",
        y: 0.95,
        text: lt("overflow_mark", lang),
        showarrow: false,
        font: { color: "#8a1c1c" },
        xanchor: "right",
      });
    }
    plot(this.chart, traces, {
      height: 330,
      xaxis: { title: { text: plotNotation(lt("axis_k", lang)) }, dtick: T > 20 ? undefined : 1 },
      yaxis: { title: { text: plotNotation(lt("axis_ratio", lang)) }, type: "log", exponentformat: "power" },
      shapes,
      annotations,
    });
    this.drawReadout(lang);
  }

  drawReadout(lang) {
    const { frame, remedy, said } = this;
    const broken = frame.nan_at;
    const nan = broken === null ? lt("no_nan", lang) : lt("nan_at", lang, broken);
    const lines = [
      el(
        "p",
        { class: "mono" },
        notation(lt("betas", lang, fixed(frame.beta_W, 3), fixed(frame.beta_f, 3), fixed(frame.beta, 3))),
      ),
      el(
        "p",
        { class: "vg-radius" },
        notation(lt("radius_vs_norm", lang, fixed(Number(this.radius.value), 2), fixed(frame.beta_W, 3))),
      ),
      el("p", { class: "vg-given" }, notation(lt("given_delta", lang))),
      el(
        "p",
        { class: "vg-reach mono", "data-ratio": String(frame.ratio[0]) },
        notation(lt("reach", lang, sci(frame.ratio[0]))),
      ),
      el("p", { class: broken === null ? "vg-nan" : "vg-nan bad", "data-nan-at": String(broken) }, notation(nan)),
      el("p", { class: "mono" }, notation(lt("grad_norm", lang, sci(frame.grad_norm)))),
    ];
    if (this.clipOn.checked) {
      const clipped =
        frame.clipped_grad_norm === null
          ? lt("grad_nonfinite", lang)
          : lt("clipped_to", lang, sci(frame.grad_norm), sci(frame.clipped_grad_norm));
      lines.push(el("p", { class: "vg-clip", "data-clipped": String(frame.clipped_grad_norm) }, clipped));
    }
    this.readout.replaceChildren(...lines);
    if (remedy) {
      said.textContent = `${lt(`remedy_${remedy.name}_said`, lang)} ${lt("changed", lang, sci(remedy.before), sci(frame.ratio[0]))}`;
      said.dataset.remedy = remedy.name;
    }
  }

  /** A moved control asks again once the learner pauses (and forgets a remedy's "before"). */
  schedule() {
    this.remedy = null;
    this.said.textContent = "";
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), SLIDE_PAUSE_MS);
  }

  applyRemedy(name) {
    const change = REMEDIES[name];
    if (change.activation) this.activation.value = change.activation;
    this.init.value = change.init;
    this.radius.value = String(change.radius);
    this.remedy = { name, before: this.frame ? this.frame.ratio[0] : null };
    clearTimeout(this.timer);
    this.load();
  }
}
