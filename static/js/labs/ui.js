// Small building blocks the labs share: labelled controls whose text follows the language,
// a status line for server answers, Plotly drawing, and number formatting. No state lives here.

import { plotted } from "../export.js";
import { errorSentence } from "../i18n.js";
import { el, FONT_FAMILY, languageOf, MINUS, PLOT_CONFIG, plotly } from "../util.js";
import { lt } from "./strings.js";

export const FONT = { family: FONT_FAMILY, size: 12 };

/** A <span> whose text is the lab string `key` (re-applied on a language switch). */
export function text(key, tag = "span", attrs = {}) {
  return el(tag, { ...attrs, "data-lab-i18n": key }, lt(key, "en"));
}

/**
 * A lab's sentence box whose example follows the page's language until the learner types in it:
 * `keys` names the example of each language ({ en: "blank_default", zh: "blank_default_zh" }).
 * follow(lang) puts the example of `lang` in the box and says whether the text changed.
 */
export function exampleInput(keys, attrs = {}) {
  const input = el("input", { type: "text", ...attrs, value: lt(keys.en, "en") });
  let typed = false;
  input.addEventListener("input", () => {
    typed = true;
  });
  return {
    input,
    follow(lang) {
      if (typed || languageOf(input.value) === lang) return false;
      input.value = lt(keys[lang] ?? keys.en, "en");
      return true;
    },
  };
}

/** A control with its label: <label><span>Label</span> control</label>. */
export function field(key, control, attrs = {}) {
  return el("label", { class: "lab-field", ...attrs }, text(key), control);
}

/** A button labelled by the lab string `key`; its accessible name stays reachable in English. */
export function button(key, attrs = {}) {
  return el(
    "button",
    { type: "button", class: "lab-button", "data-lab-i18n": key, "data-lab-label": key, ...attrs },
    lt(key, "en"),
  );
}

/** A <select> of `values` with `value` chosen; an option shows the lab string labels[v] when
 *  given (and follows the language), else the value itself (tanh, relu, …). */
export function choice(values, value, attrs = {}, labels = {}) {
  const node = el("select", attrs);
  for (const v of values) {
    const key = labels[v];
    node.append(el("option", { value: String(v), "data-lab-i18n": key }, key ? lt(key, "en") : String(v)));
  }
  node.value = String(value);
  return node;
}

/** An <input type=number>. */
export function number(value, min, max, step = 1, attrs = {}) {
  return el("input", { type: "number", value: String(value), min, max, step, ...attrs });
}

/** The number in an input, or null when it is empty. */
export function numberOf(input) {
  const raw = input.value.trim();
  return raw === "" ? null : Number(raw);
}

/** A status line: set(message, kind) where kind is "", "busy", "error" or "ok". */
export function statusLine() {
  const node = el("p", { class: "lab-status", "aria-live": "polite" });
  return {
    node,
    set(message, kind = "") {
      node.textContent = message;
      node.dataset.kind = kind;
    },
  };
}

/** What to tell the learner about a failed request: a LabError from the server in the
 *  learner's language (i18n.errorSentence), anything else with its message. */
export function failure(error, lang) {
  return error.code ? errorSentence(error, lang) : lt("server_error", lang, error.message);
}

/** Run `work` with `button` disabled and `status` saying so; a failure is shown in `status`. */
export async function busy(button, status, lang, work) {
  status.set(lt("working", lang), "busy");
  button.disabled = true;
  try {
    await work();
    status.set("", "");
  } catch (error) {
    status.set(failure(error, lang), "error");
  } finally {
    button.disabled = false;
  }
}

/**
 * For a lab that asks again on every change of a control: ask(request, lang, onAnswer) awaits
 * the request and hands its answer to onAnswer, or shows its failure in `status`, but only for
 * the newest request: an older answer (or error) arriving after a newer request is dropped.
 */
export function newestAnswer(status) {
  let asked = 0;
  return async (request, lang, onAnswer) => {
    const mine = ++asked;
    try {
      const answer = await request;
      if (mine !== asked) return;
      status.set("", "");
      onAnswer(answer);
    } catch (error) {
      if (mine === asked) status.set(failure(error, lang), "error");
    }
  };
}

/** Draw (or redraw) a Plotly chart in `node`. */
export function plot(node, traces, layout) {
  const base = {
    margin: { l: 56, r: 12, t: 10, b: 44 },
    font: FONT,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#fbfbfd",
    legend: { orientation: "h", y: 1.12, x: 0 },
  };
  return plotly()
    .then((Plotly) => Plotly.react(node, traces, { ...base, ...layout }, PLOT_CONFIG))
    .then(() => plotted(node));
}

/** Resize a chart that was drawn while its tab was hidden. */
export function resize(node) {
  if (node.data) window.Plotly.Plots.resize(node);
}

/** A number to `digits` decimals (typographic minus), "NaN" for null. */
export function fixed(value, digits = 2) {
  if (value === null || value === undefined) return "NaN";
  return value.toFixed(digits).replace("-", MINUS);
}

/** A number in 3 significant digits, e-notation when tiny or huge; "NaN" for null. */
export function sci(value) {
  if (value === null || value === undefined) return "NaN";
  const size = Math.abs(value);
  const out = value !== 0 && (size < 1e-3 || size >= 1e5) ? value.toExponential(2) : value.toPrecision(3);
  return out.replace("-", MINUS);
}

/**
 * A lab, a small chart class as TensorFlow Playground's: the constructor builds its controls in
 * `body` (the tab panel's .lab-body) and keeps `ctx` ({page, scratch(), state}: mountLabs in
 * index.js); show(state) runs when its tab is shown, render(state, changed, visible) on every
 * change of the page's state (`changed`: the keys of state.js's CHANGES that moved).
 */
export class Lab {
  constructor(body, ctx) {
    this.body = body;
    this.ctx = ctx;
  }

  show(_state) {}

  render(_state, _changed, _visible) {}
}

/**
 * A lab that asks the server once it is first visible while the socket is open (and, with
 * `needsText`, the page holds a sentence: a new prediction retries): subclasses define load()
 * and draw(lang), which follows the language; `chart`, when set, is resized each time the tab
 * is shown.
 */
export class LazyLab extends Lab {
  constructor(body, ctx, { needsText = false } = {}) {
    super(body, ctx);
    this.needsText = needsText;
    this.chart = null;
    this.loaded = false;
  }

  load() {}

  draw(_lang) {}

  show(state) {
    this.followExample(state);
    if (this.chart) resize(this.chart);
    if (this.loaded || state.connection !== "open" || (this.needsText && !state.text)) return;
    this.loaded = true;
    this.load();
  }

  render(state, changed, visible) {
    if (changed.has("lang") && this.followExample(state) && visible && state.connection === "open") this.load();
    if (changed.has("lang")) this.draw(state.lang);
    if (visible && (changed.has("connection") || (this.needsText && changed.has("predict")))) this.show(state);
  }

  /** A lab with an `example` (exampleInput) shows the example of the page's language; its
   *  answer to the other example is dropped. True when the example changed. */
  followExample(state) {
    if (!this.example?.follow(state.lang)) return false;
    this.frame = null;
    return true;
  }
}
