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

export function createTrainingLab(body, ctx) {
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
    corpus: choice(["builtin", "uploaded"], "builtin", {}, { builtin: "corpus_builtin", uploaded: "corpus_uploaded" }),
    epochs: number(1, 1, 1000),
    pace: choice(Object.keys(PACES), "watch", {}, { watch: "pace_watch", slow: "pace_slow", fast: "pace_fast" }),
  };
  const configure = button("new_model");
  const start = button("start", { class: "lab-button primary" });
  const pause = button("pause_training");
  const resume = button("resume");
  const stop = button("stop");
  const stepButton = button("sgd_step");
  const status = statusLine();
  const bar = el("progress", { class: "train-progress", max: "1", value: "0", "data-lab-label": "train_progress" });
  const stats = el("p", { class: "train-stats mono" });
  const writes = el("p", { class: "train-writes", "aria-live": "off" });
  const curves = el("div", { class: "lab-chart train-chart" }, text("curves_empty", "p", { class: "hint empty" }));
  const curvesExport = exportBar({ name: "training-curves", chart: curves });
  const norms = el("div", { class: "grad-norms" }, text("norms_empty", "p", { class: "hint" }));
  const sample = el("div", { class: "train-sample", tabindex: "0" }, text("sample_empty", "p", { class: "hint" }));
  const stepView = el("div", { class: "sgd-step" });
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
      configure,
    ),
    el(
      "div",
      { class: "lab-controls" },
      field("corpus", c.corpus),
      field("epochs", c.epochs),
      field("pace", c.pace),
      start,
      pause,
      resume,
      stop,
      stepButton,
    ),
    status.node,
    bar,
    stats,
    writes,
    el(
      "div",
      { class: "lab-grid" },
      el("div", {}, curves, curvesExport.node),
      el("div", {}, text("grad_norms", "h3"), norms, text("sample_title", "h3"), sample),
    ),
    stepView,
  );

  // a gated cell has σ gates and tanh inside: its activation is not a choice
  c.cell.addEventListener("change", () => {
    const gated = c.cell.value !== "rnn";
    if (gated) c.activation.value = "tanh";
    c.activation.disabled = gated;
  });

  let runState = "idle";
  let lastProgress = null;
  let lastDone = null;
  let lastStep = null;
  let curvesDrawn = false;
  let curvesRun = 0;
  let early = [];

  function setState(next) {
    runState = next;
    start.disabled = next !== "idle";
    configure.disabled = next !== "idle";
    pause.disabled = next !== "running";
    resume.disabled = next !== "paused";
    stop.disabled = next === "idle";
    stepButton.disabled = next !== "idle"; // one step would change the weights mid-run
    c.pace.disabled = c.corpus.disabled = c.epochs.disabled = next !== "idle";
    body.dataset.state = next;
  }

  async function newModel() {
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
      status.set(lt("configured", ctx.state.lang, frame.model), "ok");
    } catch (error) {
      status.set(failure(error, lang), "error");
    }
  }

  async function startTraining() {
    const lang = ctx.state.lang;
    newCurves(lang);
    lastProgress = lastDone = null;
    setState("running");
    status.set(lt("state_running", lang), "busy");
    const message = {
      type: "train",
      action: "start",
      corpus: c.corpus.value,
      epochs: numberOf(c.epochs) ?? 1,
      pace_s: PACES[c.pace.value],
    };
    if (ctx.state.text) message.sample = ctx.state.text;
    try {
      finish(await ctx.page.request(message, onTrainFrame));
    } catch (error) {
      status.set(failure(error, lang), "error");
      setState("idle");
    }
  }

  function finish(done) {
    if (done.reason === "finished") bar.value = 1; // the last progress frame may be coalesced away
    lastDone = done;
    drawDone(ctx.state.lang);
    setState("idle");
  }

  /** The run's end: its perplexities beside the baselines, a hint when it lost to the 2-gram,
   *  and the counters as the done frame has them (the last progress may have been coalesced). */
  function drawDone(lang) {
    const done = lastDone;
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
  function onOtherRun(frame) {
    const ongoing = frame.type === "progress" || (frame.type === "train_state" && frame.state !== "idle");
    if (ongoing && runState === "idle") {
      newCurves(ctx.state.lang);
      lastProgress = null;
      setState("running");
      status.set(lt("state_running", ctx.state.lang), "busy");
    }
    if (frame.type === "train_state" && frame.state !== "idle") setState(frame.state);
    else if (frame.type === "progress") onTrainFrame(frame);
    else if (frame.type === "train_done") finish(frame);
  }

  /** Every answer of a start: train_state, progress…, train_done (true: the run is over). */
  function onTrainFrame(frame) {
    if (frame.type === "progress") {
      lastProgress = frame;
      drawProgress(ctx.state.lang);
    }
    return frame.type === "train_done";
  }

  async function control(action) {
    const lang = ctx.state.lang;
    try {
      const frame = await ctx.page.request({ type: "train", action });
      // a stop's train_done (answering the start) has already said how the run ended
      if (frame.state === "idle") return;
      setState(frame.state);
      status.set(lt(`state_${frame.state}`, ctx.state.lang), "");
    } catch (error) {
      status.set(failure(error, lang), "error");
    }
  }

  async function oneStep() {
    const lang = ctx.state.lang;
    if (!ctx.state.text) {
      status.set(lt("no_sentence", lang), "error");
      return;
    }
    try {
      lastStep = await ctx.page.request({ type: "train", action: "step", text: ctx.state.text });
      drawStep(ctx.state.lang);
    } catch (error) {
      status.set(failure(error, lang), "error");
    }
  }

  function newCurves(lang) {
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
    curvesDrawn = false;
    const run = ++curvesRun;
    plotly().then((Plotly) => {
      if (run !== curvesRun) return; // a newer run replaced this chart meanwhile
      Plotly.newPlot(curves, traces, layout, PLOT_CONFIG).then(() => plotted(curves));
      curvesDrawn = true;
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
      early = [];
    });
  }

  /** The last progress frame in the lab; `extend`: it is new, so its point joins the curves. */
  function drawProgress(lang, extend = true) {
    const p = lastProgress;
    if (!p) return;
    bar.value = p.fraction;
    stats.textContent = lt("stats", lang, p);
    stats.dataset.loss = String(p.loss);
    stats.dataset.step = String(p.step);
    if (extend && p.loss !== null) {
      if (curvesDrawn) {
        window.Plotly.extendTraces(curves, { x: [[p.step], [p.step]], y: [[p.loss], [p.perplexity]] }, [0, 1]);
      } else {
        early.push(p); // Plotly is still loading: these points join the chart when it is drawn
      }
    }
    drawNorms(p.grad_norms);
    drawSample(p.sample, lang);
    drawWrites(p.generated, lang);
  }

  /** The sentence the model being trained draws from <s>, renewed every few seconds. */
  function drawWrites(generated, lang) {
    writes.hidden = generated === null || generated === undefined;
    writes.replaceChildren(el("span", { class: "label" }, lt("train_writes", lang)), " ", el("q", {}, generated ?? ""));
    writes.dataset.text = generated ?? "";
  }

  function drawNorms(gradNorms) {
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

  function drawSample(positions, lang) {
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

  function drawStep(lang) {
    const s = lastStep;
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

  configure.addEventListener("click", newModel);
  start.addEventListener("click", startTraining);
  pause.addEventListener("click", () => control("pause"));
  resume.addEventListener("click", () => control("resume"));
  stop.addEventListener("click", () => control("stop"));
  stepButton.addEventListener("click", oneStep);
  ctx.page.onUnclaimed(onOtherRun);
  setState("idle");

  function syncModel(model) {
    if (!model || runState !== "idle") return;
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

  return {
    show() {
      if (curvesDrawn) resize(curves);
    },
    render(state, changed) {
      if (changed.has("model")) syncModel(state.model);
      if (changed.has("lang")) {
        drawProgress(state.lang, false);
        drawDone(state.lang);
        drawStep(state.lang);
      }
    },
  };
}

/** W before, after and after − before as three heatmaps (blue −, red + as on the page). */
function heatmaps(parent, name, w, lang) {
  const holder = el("div", { class: "heatmaps", "data-weight": name });
  parent.append(holder);
  const change = w.after.map((row, i) =>
    row.map((v, j) => (v === null || w.before[i][j] === null ? null : v - w.before[i][j])),
  );
  const panels = [
    [`${weightSymbol(name)} ${lt("before", lang)}`, w.before],
    [`${weightSymbol(name)} ${lt("after", lang)}`, w.after],
    [`${lt("change", lang)}`, change],
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
