// Figure export: PNG and SVG of a drawing, CSV of the numbers behind it, made in the browser
// from what the page already shows (the SVG the page drew, the traces Plotly holds). Nothing is
// recomputed and no request leaves the page.
//
// exportBar({name, svg, chart, csv}) → a small group of three buttons:
//   name   the file name's stem ("network" → unrolled-network.png);
//   svg    () → the page's own <svg> (the unrolled network), or
//   chart  the Plotly chart's node (PNG and SVG from Plotly.toImage);
//   csv    () → rows (arrays of cells) or null; for a chart, the default is its traces.
// A button is disabled while there is nothing to export.

import { label } from "./i18n.js";
import { el, plotly } from "./util.js";

/** The event a chart's node gets after each Plotly draw (see plotted()). */
export const PLOTTED = "unrolled:plotted";
const SCALE = 2; // PNG pixels per CSS pixel: sharp on a projector and in slides
// The presentation properties the page's CSS gives the network; a standalone SVG carries them.
const STYLED = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "text-anchor",
  "dominant-baseline",
  "visibility",
];

export function exportBar({ name, svg = null, chart = null, csv = null }) {
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const button = (format) =>
    el(
      "button",
      {
        type: "button",
        class: "export-button",
        "data-format": format,
        "data-i18n-label": `export_${format}`,
        "aria-label": label(`export_${format}`, lang),
      },
      format.toUpperCase(),
    );
  const png = button("png");
  const vector = button("svg");
  const table = button("csv");
  const node = el(
    "div",
    {
      class: "export-bar",
      role: "group",
      "data-i18n-label": "export_group",
      "aria-label": label("export_group", lang),
    },
    png,
    vector,
    table,
  );
  const rows = csv ?? (() => chartRows(chart));
  const drawn = () => (svg ? svg() : chart?.data && !chart.hidden ? chart : null);

  png.addEventListener("click", async () => {
    if (svg) {
      const source = svg();
      if (source) save(`unrolled-${name}.png`, await rasterise(source));
    } else if (chart?.data) {
      const Plotly = await plotly();
      save(`unrolled-${name}.png`, await Plotly.toImage(chart, { format: "png", scale: SCALE, ...size(chart) }));
    }
  });
  vector.addEventListener("click", async () => {
    if (svg) {
      const source = svg();
      if (source) save(`unrolled-${name}.svg`, blobUrl(standalone(source), "image/svg+xml"));
    } else if (chart?.data) {
      const Plotly = await plotly();
      save(`unrolled-${name}.svg`, await Plotly.toImage(chart, { format: "svg", ...size(chart) }));
    }
  });
  table.addEventListener("click", () => {
    const data = rows();
    if (data?.length) save(`unrolled-${name}.csv`, blobUrl(toCsv(data), "text/csv;charset=utf-8"));
  });

  /** Enable the buttons when there is a figure (call after each draw). */
  function refresh() {
    const there = drawn() !== null;
    png.disabled = vector.disabled = !there;
    table.disabled = !there;
    node.hidden = !there; // no buttons under an empty card
  }
  refresh();
  chart?.addEventListener(PLOTTED, refresh);
  return { node, refresh };
}

/** Tell the chart's export bar that the chart was (re)drawn. */
export function plotted(chart) {
  chart.dispatchEvent(new Event(PLOTTED));
}

function size(chart) {
  const box = chart.getBoundingClientRect();
  return { width: Math.max(320, Math.round(box.width)), height: Math.max(200, Math.round(box.height)) };
}

/** A Plotly chart's numbers: one row per point (trace, x, y) or per heatmap cell (row, column, z). */
export function chartRows(chart) {
  if (!chart?.data) return null;
  const out = [];
  for (const trace of chart.data) {
    if (trace.z) {
      if (out.length === 0 || out[0][0] !== "row") out.push(["row", "column", "value"]);
      trace.z.forEach((line, i) => {
        line.forEach((value, j) => {
          out.push([trace.y?.[i] ?? i + 1, trace.x?.[j] ?? j + 1, value]);
        });
      });
    } else {
      if (out.length === 0) out.push(["series", "x", "y"]);
      const xs = trace.x ?? [];
      const ys = trace.y ?? [];
      for (let i = 0; i < Math.max(xs.length, ys.length); i += 1) {
        out.push([plain(trace.name ?? ""), xs[i] ?? "", ys[i] ?? ""]);
      }
    }
  }
  return out;
}

/** A Plotly label as plain text: its <sub>/<sup> tags dropped, its entities read back. */
function plain(label) {
  return String(label)
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** RFC 4180 CSV; a text cell a spreadsheet would run as a formula (= + − @) is prefixed with '. */
export function toCsv(rows) {
  const cell = (value) => {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return String(value);
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\ufeff${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** The page's SVG as a file of its own: its CSS-given look written onto each element. */
function standalone(source) {
  const copy = source.cloneNode(true);
  const originals = [source, ...source.querySelectorAll("*")];
  const copies = [copy, ...copy.querySelectorAll("*")];
  originals.forEach((node, i) => {
    const style = getComputedStyle(node);
    const inline = STYLED.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";");
    copies[i].setAttribute("style", inline);
    copies[i].removeAttribute("data-tip");
  });
  const [, , width, height] = source.getAttribute("viewBox").split(" ").map(Number);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  const paper = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  for (const [k, v] of Object.entries({ x: 0, y: 0, width, height, fill: "#ffffff" })) paper.setAttribute(k, String(v));
  copy.insertBefore(paper, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** The SVG drawn on a canvas at SCALE, as a PNG data URL. */
function rasterise(source) {
  const text = standalone(source);
  const [, , width, height] = source.getAttribute("viewBox").split(" ").map(Number);
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(width * SCALE);
      canvas.height = Math.ceil(height * SCALE);
      const context = canvas.getContext("2d");
      context.scale(SCALE, SCALE);
      context.drawImage(image, 0, 0, width, height);
      resolve(canvas.toDataURL("image/png"));
    };
    image.onerror = () => reject(new Error("the drawing could not be rasterised"));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  });
}

function blobUrl(text, type) {
  return URL.createObjectURL(new Blob([text], { type }));
}

/** Download `text` as a file (the tour's progress: JSON or CSV). */
export function saveText(filename, text, type) {
  save(filename, blobUrl(text, type));
}

/** Download `url` (a data: or blob: URL) as `filename`. */
function save(filename, url) {
  const link = el("a", { href: url, download: filename, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  if (url.startsWith("blob:")) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
