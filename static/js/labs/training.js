// Training lab: configure a fresh model (or keep the page's), then start / pause / resume / stop
// `train` on the built-in or uploaded corpus. Progress frames extend the loss and perplexity
// curves (Plotly: newPlot once per run, then extendTraces), and show the per-weight gradient
// norms, tokens/s, the progress bar and p(actual next word) for the page's sentence. "One SGD
// step" sends `train {action: step}` and shows every weight before and after the update.

import { exportBar, plotted } from "../export.js";
import { clear, el, engineOptions, languageOf, PLOT_CONFIG, plotly, weightSymbol } from "../util.js";
import { lt } from "./strings.js";
import {
  button,
  choice,
  FONT,
  failure,
  field,
  fixed,
  Lab,
  number,
  numberOf,
  plot,
  resize,
  sci,
  statusLine,
  text,
} from "./ui.js";

const { activations: ACTIVATIONS, cells: CELLS, inits: INITS, optimizers: OPTIMIZERS, units: UNITS } = engineOptions();
// The speed control: the least seconds a run takes (Train.pace_s; 0 = as fast as the server can).
const PACES = { watch: 20, slow: 60, fast: 0 };
const LOSS_COLOR = "#d9480f";
const PPL_COLOR = "#2f5fb3";

export class TrainingLab extends Lab {
  constructor(body, ctx) {
    super(body, ctx);
    const c = {
      unit: choice(UNITS ?? ["word"], "word", {}, { word: "unit_word", char: "unit_char" }),
      cell: choice(CELLS ?? ["rnn"], "rnn", {}, { rnn: "cell_rnn", lstm: "cell_lstm", gru: "cell_gru" }),
      hidden: number(32, 1, 512),
      layers: number(1, 1, 4),
      bidirectional: el("input", { type: "checkbox" }),
      activation: choice(ACTIVATIONS, "tanh"),
      init: choice(INITS, "xavier", {}, { tutorial: "init_tutorial" }),
      // a fresh model's defaults: Adam at η 0.01 is below the 2-gram within a quarter epoch
      lr: number(0.01, 0.0001, 100, "any"),
      optimizer: choice(OPTIMIZERS, "adam"),
      clip: number(5, 0.01, 1e6, "any"),
      truncate: number("", 1, 1000),
      corpus: choice(
        ["builtin", "uploaded"],
        "builtin",
        {},
        { builtin: "corpus_builtin", uploaded: "corpus_uploaded" },
      ),
      epochs: number(1, 1, 1000),
      pace: choice(Object.keys(PACES), "watch", {}, { watch: "pace_watch", slow: "pace_slow", fast: "pace_fast" }),
    };
    this.c = c;
    this.buttons = {
      configure: button("new_model"),
      start: button("start", { class: "lab-button primary" }),
      pause: button("pause_training"),
      resume: button("resume"),
      stop: button("stop"),
      step: button("sgd_step"),
    };
    const b = this.buttons;
    this.status = statusLine();
    this.bar = el("progress", { class: "train-progress", max: "1", value: "0", "data-lab-label": "train_progress" });
    this.stats = el("p", { class: "train-stats mono" });
    this.writes = el("p", { class: "train-writes", "aria-live": "off" });
    this.curves = el("div", { class: "lab-chart train-chart" }, text("curves_empty", "p", { class: "hint empty" }));
    const curvesExport = exportBar({ name: "training-curves", chart: this.curves });
    this.norms = el("div", { class: "grad-norms" }, text("norms_empty", "p", { class: "hint" }));
    this.sample = el("div", { class: "train-sample", tabindex: "0" }, text("sample_empty", "p", { class: "hint" }));
    this.stepView = el("div", { class: "sgd-step" });
    body.append(
      el(
        "fieldset",
        { class: "lab-controls" },
        el("legend", {}, text("settings")),
        field("unit", c.unit),
        field("cell", c.cell),
        field("hidden_size", c.hidden),
        field("layers", c.layers),
        field("opt_bidirectional", c.bidirectional, { class: "lab-field inline" }),
        field("activation", c.activation),
        field("init", c.init),
        field("optimizer", c.optimizer),
        field("lr", c.lr),
        field("clip", c.clip),
        field("truncate", c.truncate),
        b.configure,
      ),
      el(
        "div",
        { class: "lab-controls" },
        field("corpus", c.corpus),
        field("epochs", c.epochs),
        field("pace", c.pace),
        b.start,
        b.pause,
        b.resume,
        b.stop,
        b.step,
      ),
      this.status.node,
      this.bar,
      this.stats,
      this.writes,
      el(
        "div",
        { class: "lab-grid" },
        el("div", {}, this.curves, curvesExport.node),
        el("div", {}, text("grad_norms", "h3"), this.norms, text("sample_title", "h3"), this.sample),
      ),
      this.stepView,
    );

    // a gated cell has σ gates and tanh inside: its activation is not a choice
    c.cell.addEventListener("change", () => {
      const gated = c.cell.value !== "rnn";
      if (gated) c.activation.value = "tanh";
      c.activation.disabled = gated;
    });

    this.runState = "idle";
    this.lastProgress = null;
    this.lastDone = null;
    this.lastStep = null;
    this.curvesDrawn = false;
    this.curvesRun = 0;
    this.early = []; // progress that arrived while Plotly was loading

    b.configure.addEventListener("click", () => this.newModel());
    b.start.addEventListener("click", () => this.startTraining());
    b.pause.addEventListener("click", () => this.control("pause"));
    b.resume.addEventListener("click", () => this.control("resume"));
    b.stop.addEventListener("click", () => this.control("stop"));
    b.step.addEventListener("click", () => this.oneStep());
    ctx.page.onUnclaimed((frame) => this.onOtherRun(frame));
    this.setState("idle");
  }

  setState(next) {
    const { c, buttons: b } = this;
    this.runState = next;
    b.start.disabled = next !== "idle";
    b.configure.disabled = next !== "idle";
    b.pause.disabled = next !== "running";
    b.resume.disabled = next !== "paused";
    b.stop.disabled = next === "idle";
    b.step.disabled = next !== "idle"; // one step would change the weights mid-run
    c.pace.disabled = c.corpus.disabled = c.epochs.disabled = next !== "idle";
    this.body.dataset.state = next;
  }

  async newModel() {
    const { c, ctx } = this;
    const lang = ctx.state.lang;
    try {
      const frame = await ctx.page.request({
        type: "configure",
        // the new model reads the language of the page's sentence (else of the page)
        language: ctx.state.text ? languageOf(ctx.state.text) : ctx.state.lang,
        unit: c.unit.value,
        cell: c.cell.value,
        hidden_size: numberOf(c.hidden) ?? 32,
        num_layers: numberOf(c.layers) ?? 1,
        bidirectional: c.bidirectional.checked,
        activation: c.activation.value,
        init: c.init.value,
        optimizer: c.optimizer.value,
        lr: numberOf(c.lr) ?? 0.01,
        clip: numberOf(c.clip),
        truncate: numberOf(c.truncate),
        seed: 0,
      });
      this.status.set(lt("configured", ctx.state.lang, frame.model), "ok");
    } catch (error) {
      this.status.set(failure(error, lang), "error");
    }
  }

  async startTraining() {
    const { c, ctx } = this;
    const lang = ctx.state.lang;
    this.newCurves(lang);
    this.lastProgress = this.lastDone = null;
    this.setState("running");
    this.status.set(lt("state_running", lang), "busy");
    const message = {
      type: "train",
      action: "start",
      corpus: c.corpus.value,
      epochs: numberOf(c.epochs) ?? 1,
      pace_s: PACES[c.pace.value],
    };
    if (ctx.state.text) message.sample = ctx.state.text;
    try {
      this.finish(await ctx.page.request(message, (frame) => this.onTrainFrame(frame)));
    } catch (error) {
      this.status.set(failure(error, lang), "error");
      this.setState("idle");
    }
  }

  finish(done) {
    if (done.reason === "finished") this.bar.value = 1; // the last progress frame may be coalesced away
    this.lastDone = done;
    this.drawDone(this.ctx.state.lang);
    this.setState("idle");
  }

  /** The run's end: its perplexities beside the baselines, a hint when it lost to the 2-gram,
   *  and the counters as the done frame has them (the last progress may have been coalesced). */
  drawDone(lang) {
    const { lastDone: done, lastProgress, status, stats } = this;
    if (!done) return;
    const nan = done.reason === "nan";
    const worse = !nan && done.valid_perplexity !== null && done.valid_perplexity > done.bigram_valid_perplexity;
    const words = lt(nan ? "done_nan" : "done", lang, done) + (worse ? ` ${lt("worse_than_bigram", lang, done)}` : "");
    status.set(words, nan ? "error" : worse ? "warn" : "ok");
    status.node.dataset.worse = String(worse);
    if (lastProgress) {
      const final = { ...lastProgress, step: done.steps, elapsed: done.elapsed, eta_s: null };
      final.epoch = Math.min(done.epochs, lastProgress.epochs);
      stats.textContent = lt("stats", lang, final);
      stats.dataset.step = String(done.steps);
    }
  }

  /**
   * Frames of a run this tab did not start: a corpus uploaded over HTTP with ?start=true
   * (re "upload"), or a run still going when the session was resumed. Drawn like its own.
   */
  onOtherRun(frame) {
    const lang = this.ctx.state.lang;
    const ongoing = frame.type === "progress" || (frame.type === "train_state" && frame.state !== "idle");
    if (ongoing && this.runState === "idle") {
      this.newCurves(lang);
      this.lastProgress = null;
      this.setState("running");
      this.status.set(lt("state_running", lang), "busy");
    }
    if (frame.type === "train_state" && frame.state !== "idle") this.setState(frame.state);
    else if (frame.type === "progress") this.onTrainFrame(frame);
    else if (frame.type === "train_done") this.finish(frame);
  }

  /** Every answer of a start: train_state, progress…, train_done (true: the run is over). */
  onTrainFrame(frame) {
    if (frame.type === "progress") {
      this.lastProgress = frame;
      this.drawProgress(this.ctx.state.lang);
    }
    return frame.type === "train_done";
  }

  async control(action) {
    const lang = this.ctx.state.lang;
    try {
      const frame = await this.ctx.page.request({ type: "train", action });
      // a stop's train_done (answering the start) has already said how the run ended
      if (frame.state === "idle") return;
      this.setState(frame.state);
      this.status.set(lt(`state_${frame.state}`, this.ctx.state.lang), "");
    } catch (error) {
      this.status.set(failure(error, lang), "error");
    }
  }

  async oneStep() {
    const ctx = this.ctx;
    const lang = ctx.state.lang;
    if (!ctx.state.text) {
      this.status.set(lt("no_sentence", lang), "error");
      return;
    }
    try {
      this.lastStep = await ctx.page.request({ type: "train", action: "step", text: ctx.state.text });
      this.drawStep(ctx.state.lang);
    } catch (error) {
      this.status.set(failure(error, lang), "error");
    }
  }

  newCurves(lang) {
    const curves = this.curves;
    const traces = [
      { name: lt("loss_trace", lang), x: [], y: [], mode: "lines", line: { color: LOSS_COLOR, width: 2 } },
      {
        name: lt("ppl_trace", lang),
        x: [],
        y: [],
        mode: "lines",
        yaxis: "y2",
        line: { color: PPL_COLOR, width: 1.5, dash: "dot" },
      },
    ];
    const layout = {
      height: 300,
      margin: { l: 56, r: 84, t: 10, b: 44 }, // room for the log axis's labels (1000)
      font: FONT,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fbfbfd",
      legend: { orientation: "h", y: 1.14, x: 0 },
      xaxis: { title: { text: lt("axis_step", lang) } },
      yaxis: { title: { text: lt("loss_trace", lang) }, color: LOSS_COLOR },
      // log scale: one early spike (perplexity 10⁸) would flatten the rest of the curve
      yaxis2: {
        title: { text: lt("ppl_trace", lang) },
        overlaying: "y",
        side: "right",
        color: PPL_COLOR,
        type: "log",
        dtick: 1, // 1, 10, 100, 1 000: one label per power of ten
        tickformat: ",.0f",
      },
    };
    clear(curves);
    this.curvesDrawn = false;
    const run = ++this.curvesRun;
    plotly().then((Plotly) => {
      if (run !== this.curvesRun) return; // a newer run replaced this chart meanwhile
      Plotly.newPlot(curves, traces, layout, PLOT_CONFIG).then(() => plotted(curves));
      this.curvesDrawn = true;
      const early = this.early;
      if (early.length) {
        Plotly.extendTraces(
          curves,
          {
            x: [early.map((p) => p.step), early.map((p) => p.step)],
            y: [early.map((p) => p.loss), early.map((p) => p.perplexity)],
          },
          [0, 1],
        );
      }
      this.early = [];
    });
  }

  /** The last progress frame in the lab; `extend`: it is new, so its point joins the curves. */
  drawProgress(lang, extend = true) {
    const p = this.lastProgress;
    if (!p) return;
    this.bar.value = p.fraction;
    this.stats.textContent = lt("stats", lang, p);
    this.stats.dataset.loss = String(p.loss);
    this.stats.dataset.step = String(p.step);
    if (extend && p.loss !== null) {
      if (this.curvesDrawn) {
        window.Plotly.extendTraces(this.curves, { x: [[p.step], [p.step]], y: [[p.loss], [p.perplexity]] }, [0, 1]);
      } else {
        this.early.push(p); // Plotly is still loading: these points join the chart when it is drawn
      }
    }
    this.drawNorms(p.grad_norms);
    this.drawSample(p.sample, lang);
    this.drawWrites(p.generated, lang);
  }

  /** The sentence the model being trained draws from <s>, renewed every few seconds. */
  drawWrites(generated, lang) {
    const writes = this.writes;
    writes.hidden = generated === null || generated === undefined;
    writes.replaceChildren(el("span", { class: "label" }, lt("train_writes", lang)), " ", el("q", {}, generated ?? ""));
    writes.dataset.text = generated ?? "";
  }

  drawNorms(gradNorms) {
    const norms = this.norms;
    const values = Object.values(gradNorms).filter((v) => v !== null);
    const top = Math.max(...values, 1e-12);
    clear(norms);
    for (const [name, value] of Object.entries(gradNorms)) {
      const fill = el("span", { class: "bar" });
      fill.style.width = `${value === null ? 0 : (100 * value) / top}%`;
      norms.append(
        el(
          "div",
          { class: "norm-row" },
          el("span", { class: "mono" }, weightSymbol(name)),
          el("span", { class: "bar-track" }, fill),
          el("span", { class: "mono" }, sci(value)),
        ),
      );
    }
  }

  drawSample(positions, lang) {
    const sample = this.sample;
    clear(sample);
    if (!positions || positions.length === 0) {
      sample.append(el("p", { class: "hint" }, lt("no_sentence", lang)));
      return;
    }
    for (const position of positions) {
      if (!position.next) continue;
      const p = position.next_p?.rnn ?? null;
      const fill = el("span", { class: "bar" });
      fill.style.height = `${p === null ? 0 : 100 * p}%`;
      sample.append(
        el(
          "div",
          { class: "sample-col", title: p === null ? "NaN" : p.toFixed(4) },
          el("span", { class: "p" }, p === null ? "NaN" : `${Math.round(100 * p)}%`),
          el("span", { class: "vbar" }, fill),
          el("span", { class: "word" }, position.next.word),
        ),
      );
    }
  }

  drawStep(lang) {
    const { lastStep: s, stepView } = this;
    clear(stepView);
    if (!s) return;
    stepView.append(
      el(
        "h3",
        { "data-loss-before": String(s.loss_before), "data-loss-after": String(s.loss_after) },
        lt("step_title", lang, fixed(s.loss_before, 4), fixed(s.loss_after, 4), s.lr),
      ),
    );
    const table = el(
      "table",
      { class: "lab-table" },
      el(
        "tr",
        {},
        ...["col_weight", "col_norm_before", "col_norm_after", "col_change", "col_grad"].map((k) =>
          el("th", {}, lt(k, lang)),
        ),
      ),
    );
    for (const [name, w] of Object.entries(s.weights)) {
      table.append(
        el(
          "tr",
          {},
          el("td", { class: "mono" }, `${weightSymbol(name)} [${w.shape.join("×")}]`),
          ...[w.norm_before, w.norm_after, w.change_norm, w.grad_norm].map((v) => el("td", { class: "mono" }, sci(v))),
        ),
      );
    }
    stepView.append(table);
    const matrix = Object.entries(s.weights).find(([name, w]) => name.startsWith("W") && Array.isArray(w.before?.[0]));
    if (matrix) heatmaps(stepView, matrix[0], matrix[1], lang);
    else stepView.append(el("p", { class: "hint" }, lt("no_step_matrix", lang)));
  }

  /** The fields follow the session's model while no run is going. */
  syncModel(model) {
    const c = this.c;
    if (!model || this.runState !== "idle") return;
    c.hidden.value = String(model.hidden_size);
    c.layers.value = String(model.num_layers);
    c.bidirectional.checked = model.bidirectional;
    c.activation.value = model.activation;
    if (INITS.includes(model.init)) c.init.value = model.init;
    // a built-in model goes on with SGD at a small η; the fields make a *new* model, which
    // keeps the fresh defaults (Adam, η 0.01) unless the learner configured other ones
    if (model.origin !== "builtin") {
      if (OPTIMIZERS.includes(model.optimizer)) c.optimizer.value = model.optimizer;
      c.lr.value = String(model.lr);
    }
    c.clip.value = model.clip === null ? "" : String(model.clip);
    c.truncate.value = model.truncate === null ? "" : String(model.truncate);
  }

  show() {
    if (this.curvesDrawn) resize(this.curves);
  }

  render(state, changed) {
    if (changed.has("model")) this.syncModel(state.model);
    if (changed.has("lang")) {
      this.drawProgress(state.lang, false);
      this.drawDone(state.lang);
      this.drawStep(state.lang);
    }
  }
}

/** W before, after and after − before (the frame's `change`) as three heatmaps (blue −, red +
 *  as on the page). */
function heatmaps(parent, name, w, lang) {
  const holder = el("div", { class: "heatmaps", "data-weight": name });
  parent.append(holder);
  const panels = [
    [`${weightSymbol(name)} ${lt("before", lang)}`, w.before],
    [`${weightSymbol(name)} ${lt("after", lang)}`, w.after],
    [`${lt("change", lang)}`, w.change],
  ];
  for (const [title, z] of panels) {
    const node = el("div", { class: "heatmap" });
    holder.append(node);
    // Plotly's RdBu runs blue (−) to red (+), the page's convention
    plot(node, [{ z, type: "heatmap", colorscale: "RdBu", zmid: 0, showscale: true }], {
      height: 230,
      margin: { l: 30, r: 10, t: 28, b: 24 },
      title: { text: title, font: { size: 12 } },
      yaxis: { autorange: "reversed" },
    });
  }
}
