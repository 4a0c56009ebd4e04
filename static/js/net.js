// The unrolled network as SVG: one column per input word x_t, the hidden state s_t of every chain
// as a block of units coloured by value, o_t's top word, arrows U, W, V. The held BPTT pass lights
// the forward pass column by column and sends δ from right to left, each arrow as thick as ‖δ_k‖.
// Reads state.predict (words, states, predictions) and state.pass (frames); never sends anything.
// A truncated pass may come with state.reach = {from: j, k}: the δ arrows that carry the error
// entering at step j are kept, those truncated BPTT drops for it (more than k−1 steps back) are
// greyed (the truncated lab draws its own network this way; the page's state has no reach).

import { exportBar } from "./export.js";
import { label, t } from "./i18n.js";
import { chainOrder, chainSuffix, clear, diverging, el, fmt, MINUS, notation, pct, sub, svg } from "./util.js";

const COL_W = 78; // width of one time step
const LEFT = 48; // room for the row labels
const BLOCK = 52; // side of a hidden-state block
const BOX_H = 38; // word boxes (x_t, o_t)
const GAP = 30; // vertical room for the U and V arrows
const MIN_COL_PX = 58; // below this a long sentence scrolls sideways instead of shrinking
const DELTA_MIN = 1.5; // δ arrow width at ‖δ‖ = 0 …
const DELTA_SPAN = 9; // … plus this much at the largest ‖δ‖ of the pass
// A gated chain (LSTM, GRU) draws, below its h_t = s_t block, the LSTM's c_t on the cell path
// (one horizontal line through every step) and one strip per gate, units 16 to a row; x_t's U
// arrow ends at the gates (every gate reads U_q x_t).
const GATE_COLS = 16;
const CELL_H = 12; // height of the c_t strip
const STRIP_GAP = 3;
// the gates as the views name them (NOTATION.md): wire name → symbol
const GATE_SYMBOLS = { f: "f", i: "i", c_tilde: "c̃", o: "o", z: "z", r: "r", h_tilde: "h̃" };

/**
 * @param options.name (lang) → the graphic's accessible name (default: "Unrolled network")
 */
export function createNetwork(root, options = {}) {
  const name = options.name ?? ((lang) => label("network", lang));
  const holder = el("div", { class: "net-scroll", tabindex: "0" });
  const tooltip = el("div", { class: "tooltip", role: "status", hidden: "" });
  const legend = el("div", { class: "legend" });
  const hint = el("p", { class: "hint" });
  // The text alternative of the drawing: s_t per column and, once the backward pass has
  // visited them, δ_t; drawn only while open (a 64-unit model is 64 rows per chain).
  const startLang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const tableTitle = el("summary", { "data-i18n": "net_table" }, t("net_table", startLang));
  const tableHolder = el("div", { class: "net-table-scroll", tabindex: "0" });
  const details = el("details", { class: "net-table" }, tableTitle, tableHolder);
  let last = null; // the state last rendered, for the table and the CSV
  let drawing = null; // {svg, columns, deltas: {key: [path]}, chains, inputs}
  const exporter = exportBar({
    name: options.file ?? "network",
    svg: () => drawing?.svg ?? null,
    csv: () => (last?.predict ? networkRows(last, false) : null),
  });
  root.append(hint, holder, legend, exporter.node, details, tooltip);
  details.addEventListener("toggle", () => drawTable());

  function drawTable() {
    clear(tableHolder);
    if (!details.open || !last?.predict) return;
    tableHolder.append(networkTable(networkRows(last, true), notation(t("net_table_caption", last.lang))));
  }

  holder.addEventListener("mouseover", (event) => {
    const tip = event.target.dataset?.tip;
    if (!tip) return;
    tooltip.textContent = tip;
    tooltip.hidden = false;
    const box = root.getBoundingClientRect();
    const cell = event.target.getBoundingClientRect();
    tooltip.style.left = `${cell.left - box.left + cell.width + 6}px`;
    tooltip.style.top = `${cell.top - box.top - 8}px`;
  });
  holder.addEventListener("mouseleave", () => {
    tooltip.hidden = true;
  });

  function render(state, changed) {
    last = state;
    if (["predict", "pass", "lang", "error"].some((c) => changed.has(c))) {
      drawing = state.predict ? draw(state, name(state.lang)) : null;
      clear(holder);
      clear(legend);
      if (drawing) {
        holder.append(drawing.svg);
        renderLegend(legend, drawing, state.lang);
      }
    }
    if (["lang", "model", "predict", "pass", "error"].some((c) => changed.has(c))) {
      // the drawing's own cell (the model that read this sentence), not the session's
      hint.textContent = t(state.model?.unit === "char" ? "network_hint_char" : "network_hint", state.lang);
      if (drawing && drawing.cell !== "rnn") {
        hint.append(" ", ...notation(t(`network_hint_${drawing.cell}`, state.lang)));
      }
      tableTitle.textContent = t("net_table", state.lang);
    }
    if (drawing && ["predict", "pass", "pos", "lang", "error", "reach"].some((c) => changed.has(c))) {
      const current = highlight(drawing, state.pass);
      if (state.reach) markReach(drawing, state.reach, state.lang);
      if (current >= 0) reveal(holder, drawing.columns[current]);
    }
    if (["predict", "pass", "pos", "lang", "error"].some((c) => changed.has(c))) {
      exporter.refresh();
      drawTable();
    }
  }

  return { render };
}

/**
 * The numbers the drawing shows, one row per quantity and one column per step t = 1..T: x_t,
 * o_t's top word and its p, every unit of every chain's s_t, and, for the steps the backward
 * pass has visited, ‖δ_t‖ and δ_t's units. `rounded` gives the table's 4 decimals; the CSV
 * keeps the frame's numbers as they are.
 */
export function networkRows(state, rounded) {
  const frame = state.predict;
  const T = frame.inputs.length;
  const num = (v) => (rounded ? fmt(v) : v === null ? "NaN" : v);
  const rows = [["", ...Array.from({ length: T }, (_, i) => `t = ${i + 1}`)]];
  rows.push(["x_t", ...frame.inputs]);
  const guesses = frame.inputs.map((_, i) => {
    const atBlank = frame.blank && frame.blank.index + 1 === i;
    return frame.positions[i]?.rnn[0] ?? (atBlank ? frame.blank.rnn[0] : null);
  });
  rows.push([`o_t ${t("net_table_top", state.lang)}`, ...guesses.map((g) => g?.word ?? "")]);
  rows.push([`o_t[${t("net_table_top", state.lang)}]`, ...guesses.map((g) => (g ? num(g.p) : ""))]);
  const deltas = passDeltas(state.pass);
  for (const key of chainOrder(Object.keys(frame.states))) {
    const s = `s${chainSuffix(key)}`;
    const H = frame.states[key][0]?.length ?? 0;
    for (let j = 0; j < H; j += 1) {
      rows.push([`${s}_t[${j + 1}]`, ...frame.states[key].map((units) => num(units[j]))]);
    }
    for (const [name, values] of Object.entries(frame.inside?.[key] ?? {})) {
      const symbol = `${GATE_SYMBOLS[name] ?? name}${chainSuffix(key)}`;
      for (let j = 0; j < H; j += 1) rows.push([`${symbol}_t[${j + 1}]`, ...values.map((units) => num(units[j]))]);
    }
    const seen = deltas[key];
    if (!seen) continue;
    const d = `δ${chainSuffix(key)}`;
    rows.push([
      `‖${d}_t‖`,
      ...Array.from({ length: T }, (_, i) => (seen.norm[i] === undefined ? "" : num(seen.norm[i]))),
    ]);
    for (let j = 0; j < H; j += 1) {
      rows.push([
        `${d}_t[${j + 1}]`,
        ...Array.from({ length: T }, (_, i) => (seen.units[i] ? num(seen.units[i][j]) : "")),
      ]);
    }
    if (!seen.cell.some(Boolean)) continue;
    for (let j = 0; j < H; j += 1) {
      rows.push([
        `δ${chainSuffix(key)}_c,t[${j + 1}]`,
        ...Array.from({ length: T }, (_, i) => (seen.cell[i] ? num(seen.cell[i][j]) : "")),
      ]);
    }
  }
  return rows;
}

/** δ_t of every chain the held pass has visited so far: {key: {norm: [t-1 → ‖δ_t‖], units: [t-1 → δ_t]}}. */
function passDeltas(pass) {
  const out = {};
  if (!pass || pass.pos < 0) return out;
  const entry = (key) => {
    out[key] ??= { norm: [], units: [], cell: [] };
    return out[key];
  };
  for (const { key, t, norm } of deltaNorms(pass)) entry(key).norm[t - 1] = norm;
  for (const frame of visitedBackward(pass)) {
    for (const [key, chain] of Object.entries(frame.chains)) {
      if (chain.delta) entry(key).units[chain.t - 1] = chain.delta;
      if (chain.delta_c) entry(key).cell[chain.t - 1] = chain.delta_c;
    }
  }
  return out;
}

/** Rows as an HTML table: the first row and the first column are headers (text only). */
function networkTable(rows, caption) {
  const [head, ...body] = rows;
  return el(
    "table",
    { class: "net-values" },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, ...head.map((cell, i) => el("th", { scope: i ? "col" : null }, cell)))),
    el(
      "tbody",
      {},
      ...body.map(([name, ...cells]) =>
        el("tr", {}, el("th", { scope: "row" }, name), ...cells.map((cell) => el("td", {}, String(cell)))),
      ),
    ),
  );
}

/** The colour scale of the units, −d … +d, and the key of the δ arrows. */
function renderLegend(legend, drawing, lang) {
  const { scale, cell } = drawing;
  legend.append(
    el("span", {}, t("legend_value", lang)),
    el("span", { class: "tick" }, fmtScale(-scale)),
    el("span", { class: "scale" }),
    el("span", { class: "tick" }, `+${fmtScale(scale)}`),
    el("span", { class: "delta-key" }, notation(t("legend_delta", lang))),
  );
  if (cell !== "rnn") legend.append(el("span", { class: "gate-key" }, notation(t(`legend_gates_${cell}`, lang))));
  if (cell === "lstm") legend.append(el("span", { class: "carry-key" }, notation(t("legend_carry", lang))));
}

function fmtScale(d) {
  return Number(d.toPrecision(2)).toString().replace("-", MINUS);
}

/** Build the whole drawing for the predict frame; per-step updates only change classes. */
function draw(state, name) {
  const frame = state.predict;
  const chains = chainOrder(Object.keys(frame.states));
  const inputs = frame.inputs;
  const T = inputs.length;
  // the frame says what it holds: an LSTM's chains have c_t, a GRU's only gates
  const cell = !frame.inside ? "rnn" : Object.values(frame.inside)[0]?.c ? "lstm" : "gru";
  const width = LEFT + T * COL_W + 8;
  const layout = chainLayout(frame, chains);
  const chainTop = (r) => layout[r].top;
  const xTop = layout.at(-1).bottom + GAP;
  const height = xTop + BOX_H + 26;
  const root = svg("svg", {
    class: cell === "rnn" ? "net" : `net gated ${cell}`,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": name,
    "data-columns": String(T),
  });
  root.style.minWidth = `${LEFT + T * MIN_COL_PX}px`;
  root.append(defs());
  const scale = valueScale(state.model, frame.states);
  const cScale = frame.inside ? cellScale(frame.inside) : 1;
  const cx = (i) => LEFT + (i + 0.5) * COL_W;
  const columns = [];
  const backgrounds = svg("g", { class: "backgrounds" });
  root.append(backgrounds, rowLabels(chains, layout, xTop));
  layout.forEach((row) => {
    if (row.cellY !== null) root.append(cellPath(cx(0) - BLOCK / 2, cx(T - 1) + BLOCK / 2, row.cellY + CELL_H / 2));
  });
  for (let i = 0; i < T; i += 1) {
    backgrounds.append(
      svg("rect", { class: "col-bg", x: cx(i) - COL_W / 2 + 3, y: 2, width: COL_W - 6, height: height - 4, rx: 8 }),
    );
    const column = svg("g", { class: "column", "data-t": String(i + 1) });
    column.append(outputBox(frame, i, cx(i)));
    column.append(arrow(cx(i), chainTop(0), cx(i), BOX_H + 8, i === 0 ? vName(chains) : null, "v"));
    chains.forEach((key, r) => {
      const top = chainTop(r);
      const row = layout[r];
      if (row.gates.length) {
        column.append(arrow(cx(i), row.gates[0].y, cx(i), top + BLOCK, null, "inner"));
        column.append(gatedParts(frame.inside[key], row, key, i, cx(i), cScale));
      }
      column.append(stateBlock(frame.states[key][i], key, i, cx(i), top, scale));
      const below = r + 1 < chains.length ? chainTop(r + 1) : xTop;
      column.append(arrow(cx(i), below, cx(i), row.bottom, i === 0 ? uName(key) : null, "u"));
    });
    const unknown = i > 0 && frame.unknown[i - 1]; // inputs[i] is tokens[i − 1]
    column.append(inputBox(inputs[i], state.pass?.start?.x?.[i], cx(i), xTop, unknown));
    columns.push(column);
    root.append(column);
  }
  const deltas = {};
  const carries = {};
  const deltaLabel = svg("text", { class: "delta-label", visibility: "hidden" });
  chains.forEach((key, r) => {
    const mid = chainTop(r) + BLOCK / 2;
    const backward = key.endsWith("'"); // s′ runs right to left
    const cellY = layout[r].cellY;
    deltas[key] = [];
    carries[key] = [];
    for (let i = 0; i < T; i += 1) {
      const next = backward ? i - 1 : i + 1; // the step s_t feeds through W
      if (next >= 0 && next < T) {
        root.append(recurrentArrow(cx(i), cx(next), mid - 9, i === 0 || (backward && i === T - 1) ? wName(key) : null));
      }
      const back = backward ? i + 1 : i - 1; // where δ_t flows through 式3
      const inside = back >= 0 && back < T;
      const path = inside ? deltaArrow(cx(i), cx(back), mid + 12, key, i + 1) : null;
      if (path) root.append(path);
      deltas[key].push(path);
      // the LSTM's δ_c along the cell path: f_t ∘ δ_{c,t} goes back to c_{t−1}, no W, no f′
      const carry = inside && cellY !== null ? deltaArrow(cx(i), cx(back), cellY + CELL_H / 2, key, i + 1) : null;
      if (carry) {
        carry.classList.add("carry-arrow");
        root.append(carry);
      }
      carries[key].push(carry);
    }
  });
  root.append(deltaLabel);
  const chainRow = Object.fromEntries(chains.map((key, r) => [key, chainTop(r)]));
  return {
    svg: root,
    scale,
    cell,
    columns,
    backgrounds: [...backgrounds.children],
    deltas,
    carries,
    chains,
    deltaLabel,
    chainRow,
    cx,
  };
}

/**
 * Where each chain's row lies: {top, bottom, cellY, gates: [{name, y, rows}]}. An RNN chain is
 * its s_t block; a gated chain adds the LSTM's c_t strip (cellY) and a strip per gate below it.
 */
function chainLayout(frame, chains) {
  let top = BOX_H + GAP + 8;
  return chains.map((key) => {
    const inside = frame.inside?.[key];
    const row = { top, bottom: top + BLOCK, cellY: null, gates: [] };
    if (inside) {
      const H = frame.states[key][0]?.length ?? 1;
      const rows = Math.ceil(H / GATE_COLS);
      const unitH = rows === 1 ? 7 : 4;
      let y = top + BLOCK + 8;
      if (inside.c) {
        row.cellY = y;
        y += CELL_H + 8;
      }
      for (const name of Object.keys(inside)) {
        if (name === "c") continue;
        row.gates.push({ name, y, rows, unitH });
        y += rows * unitH + STRIP_GAP;
      }
      row.bottom = y - STRIP_GAP;
    }
    top = row.bottom + GAP;
    return row;
  });
}

/** The scale of c_t: c is not bounded (c_t = f ∘ c_{t−1} + i ∘ c̃ can grow), 95 % lie within. */
function cellScale(inside) {
  const sizes = Object.values(inside)
    .flatMap((parts) => parts.c ?? [])
    .flat()
    .filter((v) => v !== null)
    .map(Math.abs)
    .sort((a, b) => a - b);
  return Math.max(1, sizes[Math.floor(0.95 * (sizes.length - 1))] ?? 0);
}

/** The cell path ("conveyor belt"): c_{t−1} → c_t through every step, one horizontal line. */
function cellPath(x1, x2, y) {
  return svg("line", { class: "cell-path", x1, y1: y, x2, y2: y });
}

/** A gated chain's inner values at step i: the LSTM's c_t strip and one strip per gate. */
function gatedParts(inside, row, key, i, x, cScale) {
  const g = svg("g", { class: "gates", "data-chain": key });
  const left = x - BLOCK / 2;
  if (row.cellY !== null) {
    g.append(unitStrip(inside.c[i], `c${chainSuffix(key)}`, i, left, row.cellY, 1, CELL_H, cScale, "cell"));
  }
  for (const gate of row.gates) {
    const symbol = `${GATE_SYMBOLS[gate.name] ?? gate.name}${chainSuffix(key)}`;
    g.append(unitStrip(inside[gate.name][i], symbol, i, left, gate.y, gate.rows, gate.unitH, 1, gate.name));
  }
  return g;
}

/** H units in `rows` rows across the block's width, coloured on the diverging scale ±d. */
function unitStrip(values, symbol, i, left, top, rows, unitH, d, kind) {
  const across = Math.ceil(values.length / rows);
  const w = BLOCK / across;
  const name = sub(symbol, i + 1);
  const g = svg("g", { class: "strip", "data-kind": kind });
  g.append(svg("rect", { class: "frame", x: left - 1, y: top - 1, width: BLOCK + 2, height: rows * unitH + 2, rx: 2 }));
  unitRects(g, values, name, { left, top, across, w, h: unitH, gap: 0.4, d });
  return g;
}

function defs() {
  const marker = (id, cls) =>
    svg(
      "marker",
      {
        id,
        viewBox: "0 0 10 10",
        refX: 8,
        refY: 5,
        markerWidth: 10,
        markerHeight: 10,
        markerUnits: "userSpaceOnUse",
        orient: "auto-start-reverse",
      },
      svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: cls }),
    );
  return svg(
    "defs",
    {},
    marker("arrow-head", "head"),
    marker("delta-head", "head delta"),
    marker("dropped-head", "head dropped"),
  );
}

/** The scale of unit values: [-1, 1] for tanh and sigmoid; else 95% of the |s| lie within it. */
function valueScale(model, states) {
  if (model && ["tanh", "sigmoid"].includes(model.activation)) return 1;
  const sizes = Object.values(states)
    .flat(2)
    .filter((v) => v !== null)
    .map(Math.abs)
    .sort((a, b) => a - b);
  // the 95th percentile: one huge unit (relu can grow without bound) must not wash out the rest
  return Math.max(1e-12, sizes[Math.floor(0.95 * (sizes.length - 1))] ?? 0);
}

function rowLabels(chains, layout, xTop) {
  const g = svg("g", { class: "row-labels" });
  g.append(svg("text", { x: 8, y: BOX_H / 2 + 12 }, "o_t"));
  chains.forEach((key, r) => {
    const row = layout[r];
    g.append(svg("text", { x: 8, y: row.top + BLOCK / 2 + 5 }, `s${chainSuffix(key)}_t`));
    if (row.cellY !== null) {
      g.append(svg("text", { x: 8, y: row.cellY + CELL_H - 1, class: "inner" }, `c${chainSuffix(key)}_t`));
    }
    for (const gate of row.gates) {
      const y = gate.y + (gate.rows * gate.unitH) / 2 + 4;
      g.append(svg("text", { x: 14, y, class: "inner gate" }, GATE_SYMBOLS[gate.name] ?? gate.name));
    }
  });
  g.append(svg("text", { x: 8, y: xTop + BOX_H / 2 + 5 }, "x_t"));
  return g;
}

function outputBox(frame, i, x) {
  // a bidirectional model answers only at the blank: token `index` is input index + 1 (after <s>)
  const atBlank = frame.blank && frame.blank.index + 1 === i;
  const guess = frame.positions[i]?.rnn[0] ?? (atBlank ? frame.blank.rnn[0] : null);
  const g = svg("g", { class: "o-box" });
  g.append(svg("rect", { x: x - COL_W / 2 + 10, y: 8, width: COL_W - 20, height: BOX_H, rx: 6 }));
  if (guess) {
    g.append(
      svg("text", { x, y: 8 + 17, class: "word", ...fit(guess.word) }, guess.word),
      svg("text", { x, y: 8 + 33, class: "p" }, pct(guess.p)),
    );
  }
  return g;
}

/** x_t: the word and its one-hot index; a word outside the vocabulary is read as <unk>. */
function inputBox(word, index, x, top, unknown) {
  const g = svg("g", { class: unknown ? "x-box unknown" : "x-box" });
  if (unknown) g.append(svg("title", {}, "<unk>"));
  g.append(
    svg("rect", { x: x - COL_W / 2 + 10, y: top, width: COL_W - 20, height: BOX_H, rx: 6 }),
    svg("text", { x, y: top + BOX_H / 2 + 5, class: "word", ...fit(word) }, word),
  );
  if (index !== undefined) g.append(svg("text", { x, y: top + BOX_H + 16, class: "index" }, `#${index}`));
  return g;
}

/** Squeeze a long word into its box (SVG text has no ellipsis). */
function fit(word) {
  return word.length > 7 ? { textLength: COL_W - 26, lengthAdjust: "spacingAndGlyphs" } : {};
}

/** s_t as a square block of H units, each coloured on the diverging scale, value on hover. */
function stateBlock(values, key, i, x, top, scale) {
  const H = values.length;
  const across = Math.ceil(Math.sqrt(H)); // drawing: the block's side
  const cell = BLOCK / across;
  const left = x - BLOCK / 2;
  const name = sub(`s${chainSuffix(key)}`, i + 1);
  const g = svg("g", { class: "block", "data-chain": key });
  g.append(svg("rect", { class: "frame", x: left - 2, y: top - 2, width: BLOCK + 4, height: BLOCK + 4, rx: 4 }));
  unitRects(g, values, name, { left, top, across, w: cell, h: cell, gap: 0.5, d: scale });
  return g;
}

/** One rectangle per unit, `across` to a row from (left, top), coloured on the diverging scale
 *  ±d, its exact value on hover (1-based, as the table). */
function unitRects(g, values, name, { left, top, across, w, h, gap, d }) {
  values.forEach((v, j) => {
    g.append(
      svg("rect", {
        x: left + (j % across) * w,
        y: top + Math.floor(j / across) * h,
        width: w - gap,
        height: h - gap,
        fill: diverging(v, d),
        "data-tip": `${name}[${j + 1}] = ${v === null ? "NaN" : v}`,
      }),
    );
  });
}

function arrow(x1, y1, x2, y2, name, kind) {
  const g = svg("g", { class: `link ${kind}` });
  g.append(svg("line", { x1, y1, x2, y2: y2 + 2, "marker-end": "url(#arrow-head)" }));
  if (name) g.append(svg("text", { x: x1 + 7, y: (y1 + y2) / 2 + 5, class: "weight" }, name));
  return g;
}

function recurrentArrow(xFrom, xTo, y, name) {
  const dir = Math.sign(xTo - xFrom);
  const x1 = xFrom + (dir * BLOCK) / 2 + dir * 4;
  const x2 = xTo - (dir * BLOCK) / 2 - dir * 6;
  const g = svg("g", { class: "link w" });
  g.append(svg("line", { x1, y1: y, x2, y2: y, "marker-end": "url(#arrow-head)" }));
  if (name) g.append(svg("text", { x: (x1 + x2) / 2, y: y - 6, class: "weight", "text-anchor": "middle" }, name));
  return g;
}

/** The arrow δ_t takes through 式3 to its neighbour in time (data-t = t, data-chain = key). */
function deltaArrow(xFrom, xTo, y, key, t) {
  const dir = Math.sign(xTo - xFrom);
  const x1 = xFrom + (dir * BLOCK) / 2 + dir * 2;
  const x2 = xTo - (dir * BLOCK) / 2 - dir * 6;
  return svg("line", {
    class: "delta-arrow",
    x1,
    y1: y,
    x2,
    y2: y,
    "marker-end": "url(#delta-head)",
    "data-t": String(t),
    "data-chain": key,
  });
}

function vName(chains) {
  return chains.some((k) => k.endsWith("'")) ? "V, V′" : "V";
}

function uName(key) {
  return `U${chainSuffix(key)}`;
}

function wName(key) {
  return `W${chainSuffix(key)}`;
}

/** Scroll a long sentence sideways just enough to show the current column. */
function reveal(holder, column) {
  const box = holder.getBoundingClientRect();
  const col = column.getBoundingClientRect();
  if (col.left < box.left) holder.scrollLeft -= box.left - col.left + 12;
  else if (col.right > box.right) holder.scrollLeft += col.right - box.right + 12;
}

/**
 * Light the pass's position: forward columns done/current/pending, δ arrows visited so far.
 * Returns the current column (−1 at the totals or without a pass).
 */
function highlight(drawing, pass) {
  const frame = pass && pass.pos >= 0 ? pass.frames[pass.pos] : null;
  const T = drawing.columns.length;
  let current = -1;
  let phase = "idle";
  if (frame?.type === "bptt_forward") {
    current = frame.t - 1;
    phase = "forward";
  } else if (frame?.type === "bptt_backward") {
    current = frame.k - 1;
    phase = "backward";
  } else if (frame?.type === "bptt_totals") {
    phase = "totals";
  }
  for (let i = 0; i < T; i += 1) {
    const pending = phase === "forward" && i > current;
    drawing.columns[i].classList.toggle("pending", pending);
    drawing.backgrounds[i].classList.toggle("current-forward", phase === "forward" && i === current);
    drawing.backgrounds[i].classList.toggle("current-backward", phase === "backward" && i === current);
  }
  const visited = phase === "idle" ? [] : deltaNorms(pass);
  const largest = Math.max(1e-300, ...visited.map((v) => v.norm ?? 0));
  for (const key of drawing.chains) {
    for (const path of drawing.deltas[key]) path?.classList.remove("on");
    for (const path of drawing.carries[key]) path?.classList.remove("on");
  }
  drawing.deltaLabel.setAttribute("visibility", phase === "backward" ? "visible" : "hidden");
  if (phase === "backward") {
    const [key, chain] = Object.entries(frame.chains)[0];
    drawing.deltaLabel.textContent = sub("δ", chain.t);
    const side = key.endsWith("'") ? 1 : -1; // the gap δ_k leaves through
    drawing.deltaLabel.setAttribute("x", String(drawing.cx(chain.t - 1) + (side * COL_W) / 2));
    drawing.deltaLabel.setAttribute("y", String(drawing.chainRow[key] + BLOCK + 16));
  }
  for (const { key, t, norm } of visited) {
    const path = drawing.deltas[key]?.[t - 1];
    if (!path) continue;
    path.classList.add("on");
    path.setAttribute("stroke-width", String(DELTA_MIN + (DELTA_SPAN * (norm ?? 0)) / largest));
    path.dataset.tip = `‖${sub("δ", t)}‖ = ${fmt(norm)}`;
  }
  if (drawing.cell === "lstm" && phase !== "idle") {
    const carried = carryNorms(pass);
    const most = Math.max(1e-300, ...carried.map((v) => v.norm ?? 0));
    for (const { key, t, norm } of carried) {
      // the share that reached c_t came from c_{t+1} (c_{t−1} on a backward chain): that arrow
      const path = drawing.carries[key]?.[key.endsWith("'") ? t - 2 : t];
      if (!path) continue;
      path.classList.add("on");
      path.setAttribute("stroke-width", String(DELTA_MIN + (DELTA_SPAN * (norm ?? 0)) / most));
      path.dataset.tip = `f ∘ δ_c → ${sub("c", t)}: ‖·‖ = ${fmt(norm)}`;
    }
  }
  return current;
}

/**
 * Truncated BPTT for the error entering at step j: it reaches j and at most k−1 earlier steps
 * (docs/engine.md). The arrow δ_t → δ_{t−1} (δ_{t+1} on a backward chain) is kept when its
 * target is within k−1 steps of j, dropped (grey) when farther, and faint when it lies after j
 * (it never carries that error). The column of j is marked as where the error enters.
 */
function markReach(drawing, reach, lang) {
  const { from: j, k } = reach;
  drawing.backgrounds.forEach((bg, i) => {
    bg.classList.toggle("reach-source", i === j - 1);
  });
  for (const key of drawing.chains) {
    const backward = key.endsWith("'");
    drawing.deltas[key].forEach((path, i) => {
      if (!path) return;
      const step = i + 1;
      const back = backward ? step - j : j - step; // steps from j back to the arrow's origin
      const target = backward ? step + 1 : step - 1;
      const kind = back < 0 ? "other" : back + 1 < k ? "kept" : "dropped";
      path.classList.toggle("reach-kept", kind === "kept");
      path.classList.toggle("reach-dropped", kind === "dropped");
      path.classList.toggle("reach-other", kind === "other");
      path.setAttribute("marker-end", kind === "dropped" ? "url(#dropped-head)" : "url(#delta-head)");
      if (kind === "dropped") path.dataset.tip = t("reach_dropped", lang, j, target, k);
      else if (kind === "kept") path.dataset.tip = t("reach_kept", lang, j, target, k);
    });
  }
}

/** The ‖δ_t‖ the held pass knows at its position: every one at the totals (also after a jump
 *  past the backward steps), else those the backward pass has visited: [{key, t, norm}]. */
function deltaNorms(pass) {
  const frame = pass.frames[pass.pos];
  return frame?.type === "bptt_totals" ? totalsNorms(frame) : visitedNorms(pass);
}

/** The carried share's norm (LSTM: f_{t+1} ∘ δ_{c,t+1}, arriving at c_t) the held pass knows:
 *  every one at the totals, else those visited: [{key, t, norm}]. */
function carryNorms(pass) {
  const frame = pass.frames[pass.pos];
  if (frame?.type === "bptt_totals") {
    return Object.entries(frame.carry_norm ?? {}).flatMap(([key, norms]) =>
      norms.map((norm, i) => ({ key, t: i + 1, norm })),
    );
  }
  return visitedBackward(pass).flatMap((f) =>
    Object.entries(f.chains)
      .filter(([, chain]) => chain.carry_norm !== null && chain.carry_norm !== undefined)
      .map(([key, chain]) => ({ key, t: chain.t, norm: chain.carry_norm })),
  );
}

/** ‖δ_t‖ of every chain and step the backward pass has visited so far: [{key, t, norm}]. */
function visitedNorms(pass) {
  return visitedBackward(pass).flatMap((f) =>
    Object.entries(f.chains).map(([key, chain]) => ({ key, t: chain.t, norm: chain.delta_norm })),
  );
}

/** Every ‖δ_t‖ of the totals frame (also after a jump past the backward steps). */
function totalsNorms(totals) {
  return Object.entries(totals.delta_norm).flatMap(([key, norms]) => norms.map((norm, i) => ({ key, t: i + 1, norm })));
}

/** Backward frames from the first visited up to the current position. */
function visitedBackward(pass) {
  const out = [];
  for (let p = 0; p <= pass.pos; p += 1) {
    if (pass.frames[p]?.type === "bptt_backward") out.push(pass.frames[p]);
  }
  return out;
}
