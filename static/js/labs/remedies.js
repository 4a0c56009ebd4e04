// Remedies lab: the tutorial's three remedies for vanishing gradients side by side. The server's
// `remedies` frame (rnn_core.remedies) gives, for the tanh RNN, the ReLU RNN with W = I, the
// LSTM and the GRU, ‖∂E_t/∂x_k‖ for every input k of one sentence (the share of the error at t
// that reaches k), a verdict (does it reach the first word?) and each model's accuracy on the
// hand-written long-range sentences by the cue's distance. Drawn as a table: one row per model,
// one square per word, darker where more error arrives; clicking a word follows the error from it.

import { clear, el, pct } from "../util.js";
import { lt } from "./strings.js";
import { button, exampleInput, failure, field, LazyLab, newestAnswer, sci, statusLine } from "./ui.js";

const FLOOR = 1e-3; // a share below this is drawn white (the colour scale is logarithmic, 1 ‰ to 1)
const SHOW = { "<s>": "s" };

export class RemediesLab extends LazyLab {
  constructor(body, ctx) {
    super(body, ctx);
    this.example = exampleInput(
      { en: "remedy_default", zh: "remedy_default_zh" },
      { class: "remedy-input", "data-lab-label": "remedy_sentence", "data-tour": "sentence" },
    );
    this.input = this.example.input;
    const run = button("compare", { class: "lab-button primary", "data-tour": "run" });
    this.status = statusLine();
    this.caption = el("p", { class: "hint remedy-caption" });
    this.table = el("div", { class: "remedy-table", tabindex: "0" });
    body.append(
      el("div", { class: "lab-controls" }, field("remedy_sentence", this.input), run),
      this.status.node,
      this.caption,
      this.table,
    );
    this.frame = null;
    this.ask = newestAnswer(this.status);

    run.addEventListener("click", () => this.load());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.load();
    });
    this.table.addEventListener("click", (event) => {
      const use = event.target.closest("button.remedy-use");
      if (use) {
        this.useModel(use.dataset.model);
        return;
      }
      const pick = event.target.closest("button.remedy-word");
      if (pick && !pick.disabled) this.load(Number(pick.dataset.k) - 1);
    });
  }

  /** Compare the remedies on the sentence, following the error at position t (null: the last). */
  async load(t = null) {
    const lang = this.ctx.state.lang;
    const text = this.input.value.trim();
    this.status.set(lt("working", lang), "busy");
    await this.ask(this.ctx.page.request({ type: "remedies", text, ...(t ? { t } : {}) }), lang, (answer) => {
      this.frame = answer;
      this.draw(this.ctx.state.lang);
    });
  }

  draw(lang) {
    const { frame, table } = this;
    if (!frame) return;
    clear(table);
    this.caption.textContent = lt("remedy_error_at", lang, frame.label, frame.t);
    const grid = el("table", { class: "lab-table remedy-grid" });
    const head = el("tr", {}, el("th", { scope: "col" }, ""));
    frame.inputs.forEach((w, k) => {
      const pick = el(
        "button",
        {
          type: "button",
          class: k === frame.t + 1 ? "remedy-word current" : "remedy-word",
          "data-k": String(k),
          "aria-label": lt("pick_word", lang, w),
          disabled: k < 2 ? "" : null, // the error at t predicts input t + 1: a cue must come first
        },
        SHOW[w] ?? w,
      );
      head.append(el("th", { scope: "col" }, pick));
    });
    grid.append(head);
    for (const m of frame.models) {
      const row = el("tr", { "data-role": m.role, "data-verdict": m.verdict });
      row.append(el("th", { scope: "row", class: "remedy-role" }, lt(`role_${m.role}`, lang)));
      m.relative.forEach((share, k) => {
        const cell = el("td", {
          class: "remedy-cell",
          "data-k": String(k),
          "data-strip": String(m.strip[k]),
          title: `‖∂E_t/∂x_${k}‖ = ${sci(m.strip[k])} (${share === null ? "NaN" : sci(share)} × t)`,
        });
        cell.style.setProperty("--share", String(shade(share)));
        cell.append(el("span", { class: "remedy-share" }, k > frame.t || share === null ? "" : shareText(share)));
        row.append(cell);
      });
      grid.append(row);
      grid.append(detailRow(frame, m, lang, frame.inputs.length + 1));
    }
    table.append(grid);
    const missing = 4 - frame.models.length;
    if (missing > 0) table.append(el("p", { class: "hint" }, lt("remedy_missing", lang, missing)));
  }

  /** Make this remedy's model the page's: its network, gates and BPTT in the views above. */
  async useModel(name) {
    const lang = this.ctx.state.lang;
    try {
      const answer = await this.ctx.page.request({ type: "configure", model: name });
      this.status.set(lt("remedy_used", lang, answer.model.name), "ok");
    } catch (error) {
      this.status.set(failure(error, lang), "error");
    }
  }
}

/** A model's verdict, its p at the label, and its accuracy by the cue's distance. */
function detailRow(frame, m, lang, span) {
  const verdict = lt(`verdict_${m.verdict}`, lang, m.reach === null ? "NaN" : shareText(m.reach));
  const bins = m.by_distance.map((b) => lt("remedy_bin", lang, b.lo, b.hi, percent(b.accuracy), b.cases));
  const overall = percent(m.accuracy);
  return el(
    "tr",
    { class: "remedy-detail", "data-role": m.role },
    el(
      "td",
      { colspan: String(span) },
      el("p", { class: `remedy-verdict ${m.verdict}` }, verdict),
      el("p", { class: "remedy-p" }, lt("remedy_p", lang, frame.label, pct(m.p_label), m.top.word, pct(m.top.p))),
      el("p", { class: "remedy-bins" }, `${lt("remedy_bins", lang, overall)} ${bins.join(" · ")}`),
      useButton(m.model, lang),
    ),
  );
}

function useButton(name, lang) {
  const node = button("remedy_use", { class: "lab-button remedy-use", "data-model": name });
  node.textContent = lt("remedy_use", lang);
  return node;
}

/** 0..1 for the colour: the share on a log scale from FLOOR (white) to 1 (full). */
function shade(share) {
  if (share === null || !(share > FLOOR)) return 0;
  return Math.min(1, 1 - Math.log10(share) / Math.log10(FLOOR));
}

/** An accuracy (a share of sentences) as a whole percentage; "—" when there was no case. */
function percent(share) {
  return share === null ? "—" : `${Math.round(100 * share)}%`;
}

/** A share as the square shows it: a percentage down to 1 %, then e-notation. */
function shareText(share) {
  return share >= 0.01 ? pct(share) : sci(share);
}
