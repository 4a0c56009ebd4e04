// Per-token loss strip: under each word of the page's sentence, −log o_t(label), the running
// probability of the sentence so far (the product of the o_t(label)) and the output error
// o_t − y_t on the label and the top guesses: the error that starts BPTT. Reads the page's
// `predict` frame (state.predict: positions[t].loss = −log o_t(label), .sentence_p, .error =
// o_t − y_t at the label and the top guesses); sends nothing.

import { clear, el } from "../util.js";
import { lt } from "./strings.js";
import { fixed, Lab, sci, text } from "./ui.js";

export class LossLab extends Lab {
  constructor(body, ctx) {
    super(body, ctx);
    this.summary = el("p", { class: "loss-summary mono" });
    this.strip = el("div", { class: "loss-strip", tabindex: "0" });
    body.append(text("sentence_from_page", "p", { class: "hint" }), this.summary, this.strip);
  }

  show(state) {
    const frame = state.predict;
    const lang = state.lang;
    clear(this.strip);
    this.summary.textContent = "";
    if (!frame) {
      this.strip.append(el("p", { class: "hint" }, lt("no_sentence", lang)));
      return;
    }
    if (frame.blank) {
      this.strip.append(el("p", { class: "hint" }, lt("strip_blank", lang)));
      return;
    }
    const losses = frame.positions.map((position) => position.loss);
    const top = Math.max(...losses.filter((v) => v !== null), 1);
    for (const position of frame.positions) {
      this.strip.append(column(position, position.loss, top, position.sentence_p, lang));
    }
    this.summary.textContent = lt("total", lang, fixed(frame.loss, 3), fixed(frame.perplexity, 2));
    this.summary.dataset.meanLoss = String(frame.loss);
  }

  render(state, changed, visible) {
    if (visible && ["predict", "lang"].some((c) => changed.has(c))) this.show(state);
  }
}

/** One word: its loss bar, the running sentence probability and its o_t − y_t bars. */
function column(position, loss, top, running, lang) {
  const label = position.next;
  const fill = el("span", { class: "bar" });
  fill.style.height = `${loss === null ? 0 : (100 * loss) / top}%`;
  return el(
    "div",
    { class: "loss-col", "data-loss": String(loss), "data-word": label.word },
    el("span", { class: "word" }, label.word),
    el("span", { class: "loss-value mono", title: lt("strip_title", lang) }, fixed(loss, 2)),
    el("span", { class: "vbar" }, fill),
    el("span", { class: "running mono", title: lt("running_p", lang), "data-p": String(running) }, `P=${sci(running)}`),
    errorBars(position, lang),
  );
}

/** o_t − y_t as the engine sent it (position.error): on the label (o_t − 1, negative), then
 * on the top guesses that are not the label (o_t, positive). */
function errorBars(position, lang) {
  const box = el("div", { class: "error-bars", title: lt("error_title", lang) });
  position.error.forEach((entry, i) => {
    const bar = el("span", { class: i === 0 ? "ebar neg" : "ebar pos" });
    bar.style.width = `${entry.value === null ? 0 : Math.abs(entry.value) * 100}%`;
    box.append(
      el(
        "div",
        { class: "erow" },
        el("span", { class: "eword" }, entry.word),
        el("span", { class: "etrack" }, bar),
        el("span", { class: "mono" }, fixed(entry.value, 2)),
      ),
    );
  });
  return box;
}
