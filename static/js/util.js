// Small helpers shared by the views: DOM building (never innerHTML), number formatting and the
// diverging colour scale, the Plotly options of every chart. No state lives here.

const SVG_NS = "http://www.w3.org/2000/svg";
export const MATHML_NS = "http://www.w3.org/1998/Math/MathML";

/** Plotly's config and font family for the page's chart and the labs' charts. */
export const PLOT_CONFIG = { displayModeBar: false, responsive: true };

let plotlyLoading = null;

/** Plotly.js, loaded the first time a chart is drawn (it is 1.5 MB gzipped: the page and its
 *  first prediction do not wait for it). Resolves to window.Plotly. */
export function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    const src = document.querySelector("script[data-plotly]")?.dataset.plotly ?? "/vendor/plotly.min.js";
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", () => resolve(window.Plotly));
      script.addEventListener("error", () => {
        plotlyLoading = null;
        reject(new Error("Plotly.js could not be loaded"));
      });
      document.head.append(script);
    });
  }
  return plotlyLoading;
}
export const FONT_FAMILY = "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif";

/** An HTML element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element with attributes and children. */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Chain keys top to bottom as drawn: the highest layer first, a backward chain under its forward one. */
export function chainOrder(keys) {
  return [...keys].sort((a, b) => {
    const layers = Number.parseInt(b, 10) - Number.parseInt(a, 10);
    return layers || Number(a.endsWith("'")) - Number(b.endsWith("'"));
  });
}

/** Remove every child of a node. */
export function clear(node) {
  node.replaceChildren();
}

export const MINUS = "\u2212"; // the typographic minus of every number shown

/**
 * A number as the page prints it: 4 decimals, or 3 significant digits in e-notation for tiny
 * and huge values; a typographic minus; "NaN" for null (a non-finite value on the wire).
 */
export function fmt(value) {
  if (value === null || value === undefined) return "NaN";
  const size = Math.abs(value);
  const text = value === 0 || (size >= 1e-3 && size < 1e5) ? value.toFixed(4) : value.toExponential(2);
  return text.replace(/-/g, MINUS);
}

/** A probability as a percentage: 37%, 4.2%, 0.031%, and "<0.01%" below that. */
export function pct(p) {
  if (p === null || p === undefined) return "NaN";
  if (p >= 0.1) return `${(100 * p).toFixed(0)}%`;
  if (p >= 0.01) return `${(100 * p).toFixed(1)}%`;
  if (p >= 1e-4) return `${Number((100 * p).toPrecision(2))}%`;
  return "<0.01%";
}

// ColorBrewer RdBu: blue for negative, near-white for 0, red for positive.
const STOPS = [
  [33, 102, 172],
  [103, 169, 207],
  [247, 247, 247],
  [239, 138, 98],
  [178, 24, 43],
];

/** RGB of value v on the diverging scale over [-d, d] (clamped; grey for null). */
function divergingRgb(v, d) {
  if (v === null || v === undefined || !(d > 0)) return [170, 170, 170];
  const x = Math.max(-1, Math.min(1, v / d));
  const pos = ((x + 1) / 2) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c])));
}

const LUT_SIZE = 256;
const LUT = (() => {
  const table = new Uint8ClampedArray(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i += 1) {
    table.set(divergingRgb((2 * i) / (LUT_SIZE - 1) - 1, 1), 3 * i);
  }
  return table;
})();

/**
 * Paint a matrix (rows of numbers) into RGBA pixels on the diverging scale over [-d, d], the
 * colour following the signed square root of v/d so that small entries stay visible.
 */
export function paintMatrix(pixels, matrix, d) {
  const cols = matrix[0].length;
  const half = (LUT_SIZE - 1) / 2;
  matrix.forEach((values, i) => {
    values.forEach((v, j) => {
      const at = 4 * (i * cols + j);
      if (v === null) {
        pixels.fill(170, at, at + 3);
      } else {
        const x = Math.min(1, Math.abs(v) / d);
        const index = Math.round(half * (1 + Math.sign(v) * Math.sqrt(x))); // drawing: the colour
        pixels.set(LUT.subarray(3 * index, 3 * index + 3), at);
      }
      pixels[at + 3] = 255;
    });
  });
}

/** CSS colour of value v on the diverging scale over [-d, d]. */
export function diverging(v, d) {
  const [r, g, b] = divergingRgb(v, d);
  return `rgb(${r}, ${g}, ${b})`;
}

/** The largest |v| of a list of vectors (nulls ignored); 0 for none. */
export function maxAbs(rows) {
  let m = 0;
  for (const row of rows) {
    for (const v of row) if (v !== null && Math.abs(v) > m) m = Math.abs(v);
  }
  return m;
}

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** A symbol with a Unicode subscript index: sub("δ", 12) → "δ₁₂". */
export function sub(symbol, index) {
  return symbol + String(index).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}

const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** The mark of chain "1", "1'", "2"…: ′ for a backward chain, ⁽ˡ⁾ for a layer above the first. */
export function chainSuffix(key) {
  const layer = Number.parseInt(key, 10);
  const layerMark = layer > 1 ? `⁽${[...String(layer)].map((d) => SUPERSCRIPT_DIGITS[Number(d)]).join("")}⁾` : "";
  return `${key.endsWith("'") ? "′" : ""}${layerMark}`;
}

/** A weight's protocol name as the tutorial writes it: U1 → U, W1' → W′, W2 → W⁽²⁾, V' → V′. */
export function weightSymbol(name) {
  const match = /^([A-Za-z]+)(\d*'?)$/.exec(name);
  if (!match) return name;
  const [, letter, key] = match;
  return letter + (key && /^\d/.test(key) ? chainSuffix(key) : key.replace("'", "′"));
}

// The tutorial's notation in prose and chart legends, written as plain text in the strings
// (δ_k, s_{k−1}ᵀ, (β_W β_f)^{T−k}), drawn as the formula panel draws it: subscripts and
// superscripts. A subscript follows a symbol of 1–3 letters (ŷ and c̃ included) at the start of a word and is one
// character or a {group}; a superscript is a {group} or a (group). Identifiers such as
// hidden_size are left alone.
const NOTATION =
  /(?<![A-Za-z_])((?:[A-Za-zÀ-ɏα-ωΑ-Ω∇]\p{M}?){1,3}[′']?)_(\{[^}]*\}|[A-Za-z0-9](?![A-Za-z0-9_]))|\^(\{[^}]*\}|\([^)]*\))/gu;

function notationParts(text) {
  const parts = []; // [kind, text]: "text" | "sub" | "sup"
  let last = 0;
  for (const match of text.matchAll(NOTATION)) {
    const [whole, base, lower, upper] = match;
    if (match.index > last) parts.push(["text", text.slice(last, match.index)]);
    if (lower !== undefined) {
      parts.push(["text", base], ["sub", unwrap(lower)]);
    } else {
      parts.push(["sup", unwrap(upper)]);
    }
    last = match.index + whole.length;
  }
  if (last < text.length) parts.push(["text", text.slice(last)]);
  return parts;
}

function unwrap(group) {
  return group.startsWith("{") ? group.slice(1, -1) : group.startsWith("(") ? group.slice(1, -1) : group;
}

/** `text` as DOM nodes, its subscripts and superscripts as <sub>/<sup> (text nodes only). */
export function notation(text) {
  return notationParts(String(text)).map(([kind, part]) =>
    kind === "text" ? document.createTextNode(part) : el(kind, {}, part),
  );
}

/** `text` for a Plotly label: Plotly's own <sub>/<sup>, every other character escaped. */
export function plotNotation(text) {
  const safe = (s) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return notationParts(String(text))
    .map(([kind, part]) => (kind === "text" ? safe(part) : `<${kind}>${safe(part)}</${kind}>`))
    .join("");
}

/** The engine's choices (rnn_core.options(), written into the page by the server): the labs'
 *  menus of activations, initialisations and optimizers. */
export function engineOptions() {
  return JSON.parse(document.body.dataset.options ?? "{}");
}

let han = null;

/** "zh" when the text holds a Chinese character, else "en": rnn_core's detect_language, by the
 *  same code point ranges (engineOptions().han_ranges). */
export function languageOf(text) {
  if (!han) {
    const ranges = engineOptions().han_ranges ?? [[0x4e00, 0x9fff]];
    const hex = (c) => `\\u{${c.toString(16)}}`;
    han = new RegExp(`[${ranges.map(([lo, hi]) => `${hex(lo)}-${hex(hi)}`).join("")}]`, "u");
  }
  return han.test(text) ? "zh" : "en";
}
