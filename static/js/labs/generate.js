// Text generation: the session's model continues the page's sentence (or a prompt of the
// learner's), one word at a time drawn from o_t with temperature and top-k (<unk> never drawn
// unless allowed). Every drawn word comes from the server's `generate` frame with its o_t[word]
// and the probability it was drawn with; the page computes nothing.

import { clear, el, pct } from "../util.js";
import { lt } from "./strings.js";
import { button, failure, field, Lab, number, numberOf, statusLine, text } from "./ui.js";

const DEFAULTS = { temperature: 1, topK: 10, length: 30 };

export class GenerateLab extends Lab {
  constructor(body, ctx) {
    super(body, ctx);
    this.prompt = el("input", {
      type: "text",
      class: "gen-prompt",
      autocomplete: "off",
      spellcheck: "false",
      "data-lab-label": "gen_prompt",
    });
    this.follow = el("input", { type: "checkbox", checked: "" });
    this.temperature = number(DEFAULTS.temperature, 0.05, 5, 0.05, { "data-lab-label": "gen_temperature" });
    this.topK = number(DEFAULTS.topK, 1, 100000, 1, { "data-lab-label": "gen_top_k" });
    this.length = number(DEFAULTS.length, 1, 64, 1, { "data-lab-label": "gen_length" });
    this.seed = number("", 0, 2 ** 32 - 1, 1, { placeholder: "—", "data-lab-label": "gen_seed" });
    this.unk = el("input", { type: "checkbox" });
    this.go = button("gen_go", { class: "lab-button primary" });
    this.status = statusLine();
    this.result = el("p", { class: "gen-text", "aria-live": "polite" });
    this.words = el("ol", { class: "gen-words" });
    this.note = el("p", { class: "hint gen-note" });
    body.append(
      el(
        "div",
        { class: "lab-controls" },
        field("gen_prompt", this.prompt, { class: "lab-field gen-prompt-field" }),
        el("label", { class: "lab-field inline" }, this.follow, text("gen_follow")),
      ),
      el(
        "div",
        { class: "lab-controls" },
        field("gen_temperature", this.temperature),
        field("gen_top_k", this.topK),
        field("gen_length", this.length),
        field("gen_seed", this.seed),
        el("label", { class: "lab-field inline" }, this.unk, text("gen_allow_unk")),
        this.go,
      ),
      this.status.node,
      this.result,
      this.words,
      this.note,
    );
    this.frame = null;
    this.answers = 0; // answers (or refusals) received, on the body for the tests: data-answers

    this.prompt.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.generate();
      }
    });
    this.follow.addEventListener("change", () => this.syncPrompt(ctx.state));
    this.go.addEventListener("click", () => this.generate());
    this.syncPrompt(ctx.state);
  }

  /** The prompt follows the page's sentence while "use the page's sentence" is ticked. */
  syncPrompt(state) {
    if (this.follow.checked) this.prompt.value = state.text;
    this.prompt.disabled = this.follow.checked;
  }

  async generate() {
    const lang = this.ctx.state.lang;
    const message = {
      type: "generate",
      temperature: numberOf(this.temperature) ?? DEFAULTS.temperature,
      top_k: numberOf(this.topK),
      length: numberOf(this.length) ?? DEFAULTS.length,
      allow_unk: this.unk.checked,
      seed: numberOf(this.seed),
    };
    const words = this.prompt.value.trim();
    if (words) message.text = words;
    this.status.set(lt("working", lang), "busy");
    this.go.disabled = true;
    try {
      this.frame = await this.ctx.page.request(message);
      this.status.set("", "");
      this.draw(lang);
    } catch (error) {
      this.frame = null;
      this.draw(lang);
      this.status.set(failure(error, lang), "error");
    } finally {
      this.go.disabled = false;
      this.answers += 1;
      this.body.dataset.answers = String(this.answers);
    }
  }

  draw(lang) {
    const { frame, words, result, note } = this;
    clear(words);
    result.textContent = "";
    note.textContent = "";
    this.body.dataset.seed = frame ? String(frame.seed) : "";
    if (!frame) return;
    // The server joined the words as the language writes them; the drawn part follows the prompt.
    const drawn = frame.text.slice(frame.prompt_text.length);
    result.append(
      el("span", { class: "gen-prompt-part" }, frame.prompt_text),
      el("strong", { class: "gen-drawn" }, drawn),
    );
    result.dataset.text = frame.text;
    for (const w of frame.words) {
      words.append(
        el(
          "li",
          { class: "gen-word", "data-word": w.word, "data-p": String(w.p), "data-p-model": String(w.p_model) },
          el("span", { class: "word" }, w.word),
          el("span", { class: "p", title: lt("gen_p_title", lang) }, `p ${pct(w.p)}`),
          el("span", { class: "p-model", title: lt("gen_p_model_title", lang) }, `o ${pct(w.p_model)}`),
        ),
      );
    }
    note.textContent = lt("gen_note", lang, frame.model, frame.seed, frame.ended);
  }

  show(state) {
    this.syncPrompt(state);
  }

  render(state, changed, visible) {
    if (changed.has("predict") || changed.has("connection")) this.syncPrompt(state);
    if (changed.has("lang")) this.draw(state.lang);
    if (visible && changed.has("model")) this.frame = null;
  }
}
