// Gradient flow: ‖δ_k‖ against k on a log scale as the backward pass visits k, with the bound
// ‖δ_T‖(β_W β_f)^{T−k} from the pass's start frame (so it is there from the first backward
// step). Plotly (served from /vendor) draws it.
// Reads state.pass; sends nothing.

import { exportBar, plotted } from "./export.js";
import { t } from "./i18n.js";
import { chainSuffix, el, FONT_FAMILY, notation, PLOT_CONFIG, plotly, plotNotation } from "./util.js";

const COLORS = ["#c0392b", "#8e44ad", "#d35400", "#16a085", "#7f5539", "#1f6f8b", "#b5179e", "#4d7c0f"]; // up to 4 layers × 2 chains
const BOUND_COLOR = "#5b6b82";

export function createGradflow(root) {
  const hint = el("p", { class: "hint" });
  const empty = el("p", { class: "empty" });
  const chart = el("div", { class: "chart" });
  const exporter = exportBar({ name: "gradient-flow", chart });
  root.append(hint, empty, chart, exporter.node);
  let drawn = false;
  let pending = null; // the newest state to draw; Plotly runs once per animation frame

  function render(state, changed) {
    if (!["pass", "pos", "lang", "error", "model"].some((c) => changed.has(c))) return;
    if (pending === null) requestAnimationFrame(draw);
    pending = state;
  }

  // Plotly needs about 10 ms per redraw: it runs in the animation frame after the step, so the
  // network, the stepper and the formula show the step at once and the chart follows.
  function draw() {
    const state = pending;
    pending = null;
    const started = performance.now();
    const gated = state.model?.cell && state.model.cell !== "rnn";
    hint.replaceChildren(...notation(t(gated ? `gradflow_hint_${state.model.cell}` : "gradflow_hint", state.lang)));
    empty.replaceChildren(...notation(t("gradflow_empty", state.lang)));
    const traces = state.pass ? tracesOf(state.pass, state.lang) : [];
    // Drawn once the backward pass has visited a step (the bound alone is no chart yet), so
    // Plotly.js is only fetched when there is something to plot.
    const chains = state.pass ? state.pass.start.chains.length : 0;
    const hasPoints = traces.slice(0, chains).some((trace) => trace.x.length > 0);
    empty.hidden = hasPoints;
    chart.hidden = !hasPoints;
    exporter.refresh();
    root.dataset.points = String(hasPoints ? traces[0].x.length : 0);
    if (!hasPoints) return;
    plotly().then((Plotly) => {
      Plotly.react(chart, traces, layout(state), PLOT_CONFIG).then(() => plotted(chart));
      drawn = true;
      performance.measure("chart-render", { start: started, end: performance.now() });
    });
  }

  window.addEventListener("resize", () => {
    if (drawn && !chart.hidden) window.Plotly.Plots.resize(chart);
  });
  return { render };
}

/** One ‖δ_k‖ trace per chain (visited steps), the bound per chain, and the current k. */
function tracesOf(pass, lang) {
  const visited = {};
  let current = null;
  for (let p = 0; p <= pass.pos; p += 1) {
    const frame = pass.frames[p];
    if (frame?.type !== "bptt_backward") continue;
    for (const [key, chain] of Object.entries(frame.chains)) {
      visited[key] ??= { x: [], y: [], cell: [] };
      visited[key].x.push(chain.t);
      visited[key].y.push(chain.delta_norm);
      visited[key].cell.push(chain.delta_c_norm ?? null);
    }
    if (p === pass.pos) current = frame;
  }
  const keys = pass.start.chains;
  const totals = pass.frames[pass.start.count - 1];
  const atTotals = pass.pos === pass.start.count - 1 && totals;
  // at the totals every ‖δ_k‖ is known, also after a jump that skipped the backward steps
  const line = (key) =>
    atTotals
      ? { x: totals.delta_norm[key].map((_, i) => i + 1), y: totals.delta_norm[key] }
      : { x: visited[key]?.x ?? [], y: visited[key]?.y ?? [] };
  // one legend entry per chain, named as the network names it (s, s′, s⁽²⁾ …)
  const traces = keys.map((key, i) => ({
    name: plotNotation(`${t("gradflow_norm", lang)}${keys.length > 1 ? ` (s${chainSuffix(key)})` : ""}`),
    ...line(key),
    mode: "lines+markers",
    line: { color: COLORS[i % COLORS.length], width: 2.5 },
    marker: { size: 7 },
  }));
  // an LSTM's δ_c on the cell path beside δ_h: times f only, it does not fade as δ_h may
  keys.forEach((key, i) => {
    const cell = atTotals ? totals.delta_c_norm?.[key] : visited[key]?.cell;
    if (!cell?.some((v) => v !== null)) return;
    traces.push({
      name: plotNotation(`${t("gradflow_cell", lang)}${keys.length > 1 ? ` (c${chainSuffix(key)})` : ""}`),
      x: atTotals ? cell.map((_, j) => j + 1) : visited[key].x,
      y: cell,
      mode: "lines+markers",
      line: { color: COLORS[i % COLORS.length], width: 2, dash: "dot" },
      marker: { size: 5, symbol: "diamond" },
    });
  });
  // the bounds of every chain share one legend entry (one click hides them all); a gated chain
  // has none (式3's bound is the RNN's)
  keys.forEach((key) => {
    const bound = pass.start.bound[key];
    if (!bound.some((v) => v !== null)) return;
    traces.push({
      name: plotNotation(t("gradflow_bound", lang)),
      legendgroup: "bound",
      showlegend: !traces.some((trace) => trace.legendgroup === "bound"),
      x: bound.map((_, j) => j + 1),
      y: bound,
      mode: "lines",
      line: { color: BOUND_COLOR, dash: "dash", width: 1.8 },
    });
  });
  if (current) {
    const chains = Object.values(current.chains);
    traces.push({
      name: plotNotation(t("gradflow_current", lang)),
      x: chains.map((c) => c.t),
      y: chains.map((c) => c.delta_norm),
      mode: "markers",
      marker: { size: 15, color: "rgba(0,0,0,0)", line: { color: "#1d2330", width: 2.5 } },
    });
  }
  return traces;
}

function layout(state) {
  const T = state.pass.start.T;
  return {
    // a deep or bidirectional model's legend takes rows of its own: the plot keeps its height
    height: 250 + 22 * Math.max(0, Math.ceil((state.pass.start.chains.length + 2) / 3) - 1),
    margin: { l: 60, r: 12, t: 8, b: 42 },
    font: { family: FONT_FAMILY, size: 13, color: "#1d2330" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#fbfbfa",
    xaxis: {
      title: { text: plotNotation(t("gradflow_axis_k", state.lang)) },
      range: [0.5, T + 0.5],
      dtick: T > 20 ? 5 : 1,
      zeroline: false,
      gridcolor: "#e6e8ec",
    },
    yaxis: { title: { text: plotNotation("‖δ_k‖") }, type: "log", exponentformat: "power", gridcolor: "#e6e8ec" },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
    showlegend: true,
  };
}
