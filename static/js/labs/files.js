// Model files: download the page session's model (GET /api/sessions/{token}/model), load a .npz
// into it (POST …/model), upload a corpus (POST …/corpus; the Training tab trains on it). Sizes
// are checked against the hello frame's limits and text is checked to be UTF-8 before anything
// is sent; the server checks again and its message is shown as it is.

import { el, engineOptions } from "../util.js";
import { lt } from "./strings.js";
import { choice, field, Lab, statusLine, text } from "./ui.js";

const UNITS = engineOptions().units ?? ["word"];

export class FilesLab extends Lab {
  constructor(body, ctx) {
    super(body, ctx);
    this.current = el("p", { class: "current-model" });
    this.download = el(
      "a",
      { class: "lab-button download", href: "#", download: "model.npz", "data-lab-i18n": "download" },
      lt("download", "en"),
    );
    this.modelFile = el("input", { type: "file", accept: ".npz", "aria-label": "Load a model file (.npz)" });
    this.modelStatus = statusLine();
    this.corpusFile = el("input", {
      type: "file",
      accept: ".txt,text/plain",
      "aria-label": "Upload a corpus (.txt, UTF-8)",
    });
    this.corpusStatus = statusLine();
    // what one token of the uploaded corpus is: a word, or a character (min-char-rnn's unit)
    this.corpusUnit = choice(UNITS, "word", {}, { word: "unit_word", char: "unit_char" });
    body.append(
      this.current,
      el("div", { class: "lab-controls" }, this.download),
      el(
        "div",
        { class: "file-row" },
        text("load_model", "h3"),
        filePicker("pick_model", this.modelFile),
        this.modelStatus.node,
      ),
      el(
        "div",
        { class: "file-row" },
        text("upload_corpus", "h3"),
        field("unit", this.corpusUnit),
        filePicker("pick_corpus", this.corpusFile),
        this.corpusStatus.node,
        text("train_uploaded", "p", { class: "hint" }),
      ),
    );
    this.modelFile.addEventListener("change", () => this.loadModel());
    this.corpusFile.addEventListener("change", () => this.uploadCorpus());
  }

  base() {
    return `/api/sessions/${encodeURIComponent(this.ctx.state.session)}`;
  }

  /** POST a file; the parsed JSON answer, or an Error with the server's message. */
  async post(path, file) {
    const form = new FormData();
    form.append("file", file);
    const response = await fetch(this.base() + path, { method: "POST", body: form });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.detail?.message ?? `HTTP ${response.status}`);
    return answer;
  }

  async loadModel() {
    const { ctx, modelFile, modelStatus } = this;
    const lang = ctx.state.lang;
    const file = modelFile.files[0];
    if (!file) return;
    const problem = await modelProblem(file, ctx.state.limits.max_model_bytes, lang);
    if (problem) {
      modelStatus.set(problem, "error");
      modelFile.value = "";
      return;
    }
    try {
      const model = await this.post("/model", file);
      modelStatus.set(lt("loaded", lang, model), "ok");
    } catch (error) {
      modelStatus.set(lt("server_error", lang, error.message), "error");
    } finally {
      modelFile.value = "";
    }
  }

  async uploadCorpus() {
    const { ctx, corpusFile, corpusStatus } = this;
    const lang = ctx.state.lang;
    const file = corpusFile.files[0];
    if (!file) return;
    const problem = await corpusProblem(file, ctx.state.limits.max_corpus_bytes, lang);
    if (problem) {
      corpusStatus.set(problem, "error");
      corpusFile.value = "";
      return;
    }
    try {
      const summary = await this.post(`/corpus?unit=${encodeURIComponent(this.corpusUnit.value)}`, file);
      corpusStatus.set(lt("uploaded", lang, summary), "ok");
    } catch (error) {
      corpusStatus.set(lt("server_error", lang, error.message), "error");
    } finally {
      corpusFile.value = "";
    }
  }

  show(state) {
    if (state.session) this.download.href = `${this.base()}/model`;
    if (state.model) this.download.download = `${state.model.name}.npz`;
    this.current.textContent = state.model
      ? lt("current_model", state.lang, state.model)
      : lt("not_connected", state.lang);
  }

  render(state, changed) {
    if (["connection", "model", "lang"].some((c) => changed.has(c))) this.show(state);
  }
}

/** A file input behind a button in the page's language (the browser's own "Choose File" is not). */
function filePicker(key, input) {
  input.classList.add("visually-hidden");
  return el("label", { class: "lab-button file-pick" }, text(key), input);
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4": every .npz is a zip archive

/** Why a model file cannot be sent (too big, empty, not a zip archive), or null. */
async function modelProblem(file, maxBytes, lang) {
  if (file.size > maxBytes) return lt("too_big", lang, maxBytes);
  if (file.size === 0) return lt("empty_file", lang);
  const head = new Uint8Array(await file.slice(0, ZIP_MAGIC.length).arrayBuffer());
  if (!ZIP_MAGIC.every((byte, i) => head[i] === byte)) return lt("not_npz", lang);
  return null;
}

/** Why a corpus file cannot be sent (too big, empty, not UTF-8), or null. */
async function corpusProblem(file, maxBytes, lang) {
  if (file.size > maxBytes) return lt("too_big", lang, maxBytes);
  if (file.size === 0) return lt("empty_file", lang);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return lt("not_utf8", lang);
  }
  return null;
}
