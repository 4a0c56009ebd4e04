// Language-model data view: the page's sentence as the tutorial's input/label pairs (s … / … e),
// read from the server's `predict` frame (its tokenization, inputs, labels and ids), and the
// one-hot vector of any word with its index highlighted. The ids of s and e come from the
// `vocab` frame's special words.

import { clear, el } from "../util.js";
import { lt } from "./strings.js";
import { Lab, statusLine, text } from "./ui.js";

const SHOW = { "<s>": "s", "</s>": "e" };
const WINDOW = 12; // one-hot entries shown on each side of the 1

export class DataLab extends Lab {
  constructor(body, ctx) {
    super(body, ctx);
    this.status = statusLine();
    this.table = el("div", { class: "pairs", role: "table" });
    this.onehot = el("div", { class: "onehot", "aria-live": "polite" });
    body.append(
      text("sentence_from_page", "p", { class: "hint" }),
      this.status.node,
      this.table,
      text("s_and_e", "p", { class: "hint" }),
      this.onehot,
    );
    this.special = null; // {"<s>": id, "</s>": id} from the vocab frame
    this.picked = null; // {word, id}
    this.drawnFor = null;
    this.table.addEventListener("click", (event) => {
      const cell = event.target.closest("button[data-id]");
      if (!cell) return;
      this.picked = { word: cell.dataset.word, id: Number(cell.dataset.id) };
      this.draw(ctx.state);
    });
  }

  async loadSpecials() {
    const frame = await this.ctx.page.request({ type: "vocab", offset: 0, limit: 8 });
    this.special = {
      [frame.special.bos]: frame.words.indexOf(frame.special.bos),
      [frame.special.eos]: frame.words.indexOf(frame.special.eos),
    };
    this.draw(this.ctx.state);
  }

  draw(state) {
    const { table, special } = this;
    const frame = state.predict;
    const lang = state.lang;
    clear(table);
    if (!frame || !special) {
      this.status.set(lt(frame ? "working" : "no_sentence", lang), "");
      return;
    }
    this.status.set("", "");
    const T = frame.inputs.length;
    const head = [el("span", { class: "cell head", role: "columnheader" }, lt("col_t", lang))];
    const inputs = [el("span", { class: "cell head", role: "rowheader" }, lt("row_input", lang))];
    const labels = [el("span", { class: "cell head", role: "rowheader" }, lt("row_label", lang))];
    for (let t = 0; t < T; t += 1) {
      head.push(el("span", { class: "cell t", role: "columnheader" }, String(t + 1)));
      // inputs[t] is <s> then token t-1; labels[t] is token t, then </s>
      inputs.push(
        this.wordCell(frame.inputs[t], t === 0 ? special["<s>"] : frame.ids[t - 1], t > 0 && frame.unknown[t - 1]),
      );
      labels.push(
        this.wordCell(frame.labels[t], t === T - 1 ? special["</s>"] : frame.ids[t], t < T - 1 && frame.unknown[t]),
      );
    }
    table.style.gridTemplateColumns = `auto repeat(${T}, minmax(3rem, auto))`;
    table.append(...[head, inputs, labels].map((cells) => el("div", { class: "pairs-row", role: "row" }, ...cells)));
    this.drawnFor = frame;
    this.drawOnehot(state);
  }

  wordCell(word, id, unknown) {
    const button = el(
      "button",
      { type: "button", class: unknown ? "cell word unknown" : "cell word", "data-id": String(id), "data-word": word },
      SHOW[word] ?? word,
      el("span", { class: "id" }, String(id)),
    );
    if (this.picked && this.picked.id === id) button.setAttribute("aria-pressed", "true");
    return el("span", { class: "pairs-cell", role: "cell" }, button);
  }

  drawOnehot(state) {
    const { onehot, picked } = this;
    const lang = state.lang;
    clear(onehot);
    if (!picked) {
      onehot.append(el("p", { class: "hint" }, lt("onehot_pick", lang)));
      return;
    }
    const size = state.model?.vocab_size ?? 0;
    const from = Math.max(0, picked.id - WINDOW);
    const to = Math.min(size, picked.id + WINDOW + 1);
    const strip = el("div", { class: "onehot-strip" });
    if (from > 0) strip.append(el("span", { class: "gap" }, `… ${lt("zeros", lang, from)}`));
    for (let i = from; i < to; i += 1) {
      const hot = i === picked.id;
      strip.append(
        el(
          "span",
          { class: hot ? "bit hot" : "bit", title: `${i}` },
          hot ? "1" : "0",
          el("span", { class: "index" }, String(i)),
        ),
      );
    }
    if (to < size) strip.append(el("span", { class: "gap" }, `${lt("zeros", lang, size - to)} …`));
    const where = el("span", { class: "marker" });
    where.style.left = `${(100 * picked.id) / Math.max(1, size - 1)}%`;
    onehot.append(
      el(
        "p",
        { class: "onehot-title", "data-index": String(picked.id), "data-size": String(size) },
        lt("onehot_title", lang, SHOW[picked.word] ?? picked.word, picked.id, size),
      ),
      strip,
      el("div", { class: "onehot-map", "aria-hidden": "true" }, where),
    );
  }

  show(state) {
    if (this.special === null && state.connection === "open") this.loadSpecials();
    else this.draw(state);
  }

  render(state, changed, visible) {
    if (!visible) return;
    if (this.special === null && changed.has("connection") && state.connection === "open") this.loadSpecials();
    else if (changed.has("lang") || changed.has("model") || (changed.has("predict") && state.predict !== this.drawnFor))
      this.draw(state);
  }
}
