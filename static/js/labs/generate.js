// Text generation: the session's model continues the page's sentence (or a prompt of the
// learner's), one word at a time drawn from o_t with temperature and top-k (<unk> never drawn
// unless allowed). Every drawn word comes from the server's `generate` frame with its o_t[word]
// and the probability it was drawn with; the page computes nothing.

import { clear, el, pct } from "../util.js";
import { lt } from "./strings.js";
import { button, failure, field, number, numberOf, statusLine, text } from "./ui.js";

const DEFAULTS = { temperature: 1, topK: 10, length: 30 };

export function createGenerateLab(body, ctx) {
  const prompt = el("input", {
    type: "text",
    class: "gen-prompt",
    autocomplete: "off",
    spellcheck: "false",
    "data-lab-label": "gen_prompt",
  });
  const follow = el("input", { type: "checkbox", checked: "" });
  const temperature = number(DEFAULTS.temperature, 0.05, 5, 0.05, { "data-lab-label": "gen_temperature" });
  const topK = number(DEFAULTS.topK, 1, 100000, 1, { "data-lab-label": "gen_top_k" });
  const length = number(DEFAULTS.length, 1, 64, 1, { "data-lab-label": "gen_length" });
  const seed = number("", 0, 2 ** 32 - 1, 1, { placeholder: "—", "data-lab-label": "gen_seed" });
  const unk = el("input", { type: "checkbox" });
  const go = button("gen_go", { class: "lab-button primary" });
  const status = statusLine();
  const result = el("p", { class: "gen-text", "aria-live": "polite" });
  const words = el("ol", { class: "gen-words" });
  const note = el("p", { class: "hint gen-note" });
  body.append(
    el(
      "div",
      { class: "lab-controls" },
      field("gen_prompt", prompt, { class: "lab-field gen-prompt-field" }),
      el("label", { class: "lab-field inline" }, follow, text("gen_follow")),
    ),
    el(
      "div",
      { class: "lab-controls" },
      field("gen_temperature", temperature),
      field("gen_top_k", topK),
      field("gen_length", length),
      field("gen_seed", seed),
      el("label", { class: "lab-field inline" }, unk, text("gen_allow_unk")),
      go,
    ),
    status.node,
    result,
    words,
    note,
  );

  let frame = null;
  let answers = 0; // answers (or refusals) received, on the body for the tests: data-answers

  /** The prompt follows the page's sentence while "use the page's sentence" is ticked. */
  function syncPrompt(state) {
    if (follow.checked) prompt.value = state.text;
    prompt.disabled = follow.checked;
  }

  async function generate() {
    const lang = ctx.state.lang;
    const message = {
      type: "generate",
      temperature: numberOf(temperature) ?? DEFAULTS.temperature,
      top_k: numberOf(topK),
      length: numberOf(length) ?? DEFAULTS.length,
      allow_unk: unk.checked,
      seed: numberOf(seed),
    };
    const words = prompt.value.trim();
    if (words) message.text = words;
    status.set(lt("working", lang), "busy");
    go.disabled = true;
    try {
      frame = await ctx.page.request(message);
      status.set("", "");
      draw(lang);
    } catch (error) {
      frame = null;
      draw(lang);
      status.set(failure(error, lang), "error");
    } finally {
      go.disabled = false;
      answers += 1;
      body.dataset.answers = String(answers);
    }
  }

  function draw(lang) {
    clear(words);
    result.textContent = "";
    note.textContent = "";
    body.dataset.seed = frame ? String(frame.seed) : "";
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

  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      generate();
    }
  });
  follow.addEventListener("change", () => syncPrompt(ctx.state));
  go.addEventListener("click", generate);
  syncPrompt(ctx.state);

  return {
    show(state) {
      syncPrompt(state);
    },
    render(state, changed, visible) {
      if (changed.has("predict") || changed.has("connection")) syncPrompt(state);
      if (changed.has("lang")) draw(state.lang);
      if (visible && changed.has("model")) frame = null;
    },
  };
}
