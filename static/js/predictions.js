// Next-word predictions: every position's top words, and for a chosen position the RNN's top 10
// beside the 2-gram's and 3-gram's, with the words each model can see marked in the sentence.
// Reads state.predict (a `predict` frame) and state.selected; asks only actions.select(t).

import { t } from "./i18n.js";
import { clear, el, pct } from "./util.js";

const MODELS = ["rnn", "bigram", "trigram"];
const LIST_TOP = 3;
const CHART_TOP = 10;
const LIST_ROWS = 8; // rows the list shows at once; its height is a whole number of rows
const WINDOW = { bigram: 1, trigram: 2 }; // words of context an n-gram reads

export function createPredictions(root, actions) {
  const list = el("ol", { class: "pred-list" });
  const detail = el("div", { class: "pred-detail" });
  const empty = el("p", { class: "hint" });
  // <unk> names no word: on request it is left out of every top list (the p stay the model's)
  const hideUnk = el("input", { type: "checkbox", class: "hide-unk" });
  const hideLabel = el("span", {}, "");
  const toggle = el("label", { class: "pred-toggle" }, hideUnk, " ", hideLabel);
  hideUnk.addEventListener("change", () => actions.setHideUnk(hideUnk.checked));
  root.append(empty, list, detail, toggle);
  let focusAfter = null; // the row to focus once the list is rebuilt (arrow keys)
  list.addEventListener("click", (event) => {
    const row = event.target.closest("button[data-t]");
    if (row) actions.select(Number(row.dataset.t));
  });
  // The rows are one tab stop (the chosen row); ↑ ↓ Home End choose another and keep the focus.
  list.addEventListener("keydown", (event) => {
    const row = event.target.closest("button[data-t]");
    const rows = [...list.querySelectorAll("button[data-t]")];
    const at = rows.indexOf(row);
    const to = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: rows.length - 1 }[event.key];
    if (!row || to === undefined || to < 0 || to >= rows.length) return;
    event.preventDefault();
    focusAfter = Number(rows[to].dataset.t);
    actions.select(focusAfter);
  });

  function render(state, changed) {
    if (changed.has("lang")) hideLabel.textContent = t("hide_unk", state.lang);
    if (["predict", "lang", "selected", "error"].some((c) => changed.has(c))) rebuild(state);
    if (["predict", "lang", "selected", "error", "pass", "pos"].some((c) => changed.has(c))) {
      markStep(list, state.pass);
    }
  }

  function rebuild(state) {
    const scrollTop = list.scrollTop;
    const frame = state.predict;
    root.dataset.text = frame ? state.predictText : "";
    root.dataset.model = frame ? frame.model : "";
    root.dataset.language = frame ? frame.language : "";
    empty.textContent = t("predictions_empty", state.lang);
    empty.hidden = Boolean(frame);
    clear(list);
    clear(detail);
    if (!frame) return;
    if (frame.blank) {
      detail.append(blankView(frame, state.lang));
      return;
    }
    const selected = state.selected ?? frame.positions.length - 1;
    list.append(header(state.lang));
    for (const position of frame.positions) {
      list.append(row(frame, position, position.t === selected));
    }
    fitRows(list);
    if (focusAfter !== null) list.querySelector(`button[data-t="${focusAfter}"]`)?.focus();
    focusAfter = null;
    const chosen = frame.positions[selected];
    if (chosen) detail.append(comparison(frame, chosen, state.lang));
    const words = detail.querySelector(".context-scroll");
    if (words) words.scrollLeft = words.scrollWidth; // the n-gram windows sit at the right end
    revealChosen(list, scrollTop);
  }

  return { render };
}

/** Make the list exactly LIST_ROWS rows high (under its header), so no row is ever cut. */
function fitRows(list) {
  const head = list.querySelector(".pred-head")?.getBoundingClientRect().height ?? 0;
  const row = list.querySelector(".pred-row")?.parentElement.getBoundingClientRect().height ?? 0;
  if (row > 0) list.style.maxHeight = `${head + LIST_ROWS * row + 2}px`; // + its 1px borders
}

/**
 * Keep the list where it was, scrolled just enough to show the chosen row; the top row then
 * starts right under the sticky header (no row half hidden behind it).
 */
function revealChosen(list, scrollTop) {
  const item = list.querySelector("[aria-pressed=true]")?.parentElement; // its <li>
  list.scrollTop = scrollTop;
  if (!item) return;
  const head = list.querySelector(".pred-head")?.offsetHeight ?? 0;
  const bottom = item.offsetTop + item.offsetHeight;
  if (bottom > list.scrollTop + list.clientHeight) {
    const need = bottom - list.clientHeight;
    const top = [...list.children].find((li) => li.offsetTop - head >= need - 1); // 1px: rounding
    list.scrollTop = top ? top.offsetTop - head : need;
  } else if (item.offsetTop - head < list.scrollTop) {
    list.scrollTop = item.offsetTop - head;
  }
}

/** Mark the row of the time step the BPTT pass stands at (o_t of step t is row t − 1). */
function markStep(list, pass) {
  const frame = pass && pass.pos >= 0 ? pass.frames[pass.pos] : null;
  const t = frame?.type === "bptt_forward" ? frame.t : frame?.type === "bptt_backward" ? frame.k : null;
  for (const button of list.querySelectorAll(".pred-row")) {
    button.classList.toggle("stepping", t !== null && Number(button.dataset.t) === t - 1);
  }
}

/** One position: the word just read, the RNN's top words, the actual next word's probability. */
function row(frame, position, selected) {
  const guesses = position.rnn
    .slice(0, LIST_TOP)
    .map((g) =>
      el(
        "span",
        { class: g.id === position.next?.id ? "guess hit" : "guess" },
        el("span", { class: "word" }, g.word),
        el("span", { class: "p" }, pct(g.p)),
      ),
    );
  const next = position.next
    ? el(
        "span",
        { class: "next" },
        el("span", { class: "word" }, position.next.word),
        el("span", { class: "p" }, pct(position.next_p.rnn)),
      )
    : el("span", { class: "next" });
  const button = el(
    "button",
    {
      type: "button",
      class: "pred-row",
      "data-t": String(position.t),
      "aria-pressed": String(selected),
      tabindex: selected ? "0" : "-1",
    },
    el("span", { class: "t" }, String(position.t + 1)),
    el("span", { class: "read" }, frame.inputs[position.t]),
    el("span", { class: "guesses" }, guesses),
    next,
  );
  return el("li", {}, button);
}

function header(lang) {
  return el(
    "li",
    { class: "pred-head", "aria-hidden": "true" },
    el("span", { class: "t" }, "t"),
    el("span", { class: "read" }, t("col_read", lang)),
    el("span", { class: "guesses" }, t("col_top", lang)),
    el("span", { class: "next" }, t("col_next", lang)),
  );
}

/** The chosen position: what each model sees, then the three top-10 bar charts side by side. */
function comparison(frame, position, lang) {
  const charts = el("div", { class: "bar-charts" });
  for (const model of MODELS) {
    charts.append(bars(t(`model_${model}`, lang), position[model].slice(0, CHART_TOP), position.next));
  }
  return el(
    "div",
    {},
    el("p", { class: "hint" }, t(frame.unit === "char" ? "key_char_note" : "key_word_note", lang)),
    contextGrid(frame, position, lang),
    charts,
  );
}

/**
 * The words read before position t in one row, and under them one bar per model spanning the
 * words it sees (context spans of the frame; <s> is seen when a model's window reaches it).
 */
function contextGrid(frame, position, lang) {
  const words = [frame.inputs[0], ...frame.tokens.slice(0, position.t)];
  const grid = el("div", { class: "context-grid" });
  grid.style.gridTemplateColumns = `4.2rem repeat(${words.length}, max-content) auto`;
  grid.append(el("span", { class: "corner" })); // frozen like the model names: scrolled chips slide under it
  for (const word of words) grid.append(el("span", { class: "chip" }, word));
  grid.append(el("span", {}));
  MODELS.forEach((model, r) => {
    const span = position.context[model];
    const reachesStart = model === "rnn" || WINDOW[model] > span.end - span.start;
    const first = reachesStart ? 0 : span.start + 1; // column of the first word seen (<s> is 0)
    const last = span.end; // column of the last word seen
    const name = el("span", { class: "model-name" }, t(`model_${model}`, lang));
    const bar = el("span", { class: `seen-bar ${model}` });
    const back = el("span", { class: "back" }, t("words_back", lang, span.end - span.start, frame.unit));
    name.style.gridRow = bar.style.gridRow = back.style.gridRow = String(r + 2);
    name.style.gridColumn = "1";
    bar.style.gridColumn = `${first + 2} / ${last + 3}`;
    back.style.gridColumn = String(words.length + 2);
    grid.append(name, bar, back);
  });
  return el("div", { class: "context-scroll", tabindex: "0" }, grid);
}

/**
 * A horizontal bar chart of guesses; the actual next word is marked. A full track is p = 1 in
 * every chart, so the charts side by side compare the models honestly.
 */
function bars(title, guesses, next) {
  const rows = guesses.map((g) => {
    const bar = el("span", { class: "bar" });
    bar.style.width = `${100 * (g.p ?? 0)}%`;
    return el(
      "li",
      { class: g.id === next?.id ? "hit" : null },
      el("span", { class: "word" }, g.word),
      el("span", { class: "track" }, bar),
      el("span", { class: "p" }, pct(g.p)),
    );
  });
  return el("figure", { class: "bars" }, el("figcaption", {}, title), el("ol", {}, rows));
}

/** A bidirectional model: the blank's distribution beside a left-only model's guess. */
function blankView(frame, lang) {
  const charts = el("div", { class: "bar-charts" });
  charts.append(bars(`${t("blank_title", lang)}: ${t("model_rnn", lang)}`, frame.blank.rnn, null));
  if (frame.blank.left_only) {
    charts.append(bars(`${t("left_only", lang)} (${frame.blank.left_only_model})`, frame.blank.left_only, null));
  }
  return charts;
}
