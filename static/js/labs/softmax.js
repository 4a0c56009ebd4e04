// Softmax and cross-entropy playground: edit z, pick the true label; the server's `softmax`
// frame gives o = softmax(z) and −log o[label]. The tutorial's example z = [1, 2, 3, 4] is the
// default: o = [0.03, 0.09, 0.24, 0.64], and −log o_1 = 3.44 exactly (3.51 in the tutorial,
// which rounds o_1 to 0.03 before the log).

import { clear, el, fmt } from "../util.js";
import { lt } from "./strings.js";
import { field, fixed, LazyLab, newestAnswer, statusLine } from "./ui.js";

const DEFAULT_Z = "1, 2, 3, 4";
const TUTORIAL_Z = [1, 2, 3, 4];
const MAX_LOGIT = 1e6;
const MAX_CLASSES = 1000;
const TYPING_PAUSE_MS = 300;

/** The numbers in `raw` (commas or spaces between them), or null when any is not a number. */
export function parseZ(raw) {
  const parts = raw.split(/[\s,，]+/).filter((p) => p !== "");
  const z = parts.map((p) => Number(p.replace("\u2212", "-")));
  const ok = z.length >= 1 && z.length <= MAX_CLASSES && z.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_LOGIT);
  return ok ? z : null;
}

export class SoftmaxLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx);
    this.input = el("input", {
      type: "text",
      class: "z-input",
      value: DEFAULT_Z,
      "data-lab-label": "z_label",
      "data-tour": "z",
    });
    this.labels = el("div", { class: "label-picker", role: "radiogroup", "data-lab-label": "true_label" });
    this.table = el("div", { class: "softmax-table" });
    this.loss = el("p", { class: "softmax-loss" });
    this.note = el("p", { class: "hint softmax-note" });
    this.status = statusLine();
    const heading = el("span", { "data-lab-i18n": "true_label" }, lt("true_label", "en"));
    body.append(
      el(
        "div",
        { class: "lab-controls" },
        field("z_label", this.input),
        el("span", { class: "lab-field" }, heading, this.labels),
      ),
      this.status.node,
      this.table,
      this.loss,
      this.note,
    );
    this.label = 0; // 0-based on the wire; shown as 1..N as in the tutorial
    this.frame = null;
    this.ask = newestAnswer(this.status);

    let timer = null;
    this.labels.addEventListener("click", (event) => {
      const pick = event.target.closest("button[data-label]");
      if (!pick) return;
      this.label = Number(pick.dataset.label);
      this.load();
    });
    this.input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.load(), TYPING_PAUSE_MS);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      clearTimeout(timer);
      this.load();
    });
  }

  /** Ask the server for softmax(z) and the loss at the picked label. */
  async load() {
    const lang = this.ctx.state.lang;
    const z = parseZ(this.input.value);
    if (!z) {
      this.status.set(lt("z_invalid", lang), "error");
      return;
    }
    this.label = Math.min(this.label, z.length - 1);
    await this.ask(this.ctx.page.request({ type: "softmax", z, label: this.label }), lang, (answer) => {
      this.frame = answer;
      this.draw(lang);
    });
  }

  draw(lang) {
    const frame = this.frame;
    if (!frame) return;
    const n = frame.o.length;
    clear(this.labels);
    for (let i = 0; i < n && i < 12; i += 1) {
      const pick = el(
        "button",
        { type: "button", role: "radio", "aria-checked": String(i === frame.label), "data-label": String(i) },
        String(i + 1),
      );
      this.labels.append(pick);
    }
    clear(this.table);
    this.table.append(
      el("span", { class: "head" }, lt("col_i", lang)),
      el("span", { class: "head" }, lt("col_z", lang)),
      el("span", { class: "head" }, lt("col_y", lang)),
      el("span", { class: "head" }, lt("col_o", lang)),
    );
    frame.o.forEach((o, i) => {
      const truth = i === frame.label;
      const bar = el("span", { class: "bar" });
      bar.style.width = `${Math.max(0, (o ?? 0) * 100)}%`;
      this.table.append(
        el("span", { class: truth ? "i truth" : "i" }, String(i + 1)),
        el("span", { class: "z" }, fixed(frame.z[i], 2)),
        el("span", { class: "y" }, truth ? "1" : "0"),
        el(
          "span",
          { class: truth ? "o-cell truth" : "o-cell" },
          el("span", { class: "bar-track" }, bar),
          el("span", { class: "softmax-o", "data-o": String(o) }, fixed(o, 2)),
          el("span", { class: "exact" }, o === null ? "" : fmt(o)),
        ),
      );
    });
    const oLabel = frame.o[frame.label];
    this.loss.textContent = lt("loss_line", lang, frame.label + 1, fmt(oLabel), fixed(frame.loss, 2));
    this.loss.dataset.loss = String(frame.loss);
    const tutorial = frame.label === 0 && frame.z.length === 4 && frame.z.every((v, i) => v === TUTORIAL_Z[i]);
    this.note.hidden = !tutorial;
    this.note.textContent = lt("softmax_note", lang);
  }
}
