// The guided tour (docs/tour.md): a panel that walks the tutorial's sections and sets the live
// page to what each step talks about (the sentence, the BPTT position, the prediction row, the
// lab and its settings), then asks a question answered from the session's own frames
// (static/js/tour_questions.js). The tour itself comes checked from the server (app/tour.py):
// the built-in one, a teacher's file uploaded here, or one named by the URL (?tour=<url>).
// Answers stay in this browser (localStorage) and export as JSON or CSV; nothing is sent back.

import { saveText, toCsv } from "./export.js";
import { t } from "./i18n.js";
import { QUESTIONS } from "./tour_questions.js";
import { el, notation } from "./util.js";

const STORE = "unrolled.tour.";
const nothing = () => {}; // a step's page move without a sentence: nothing to move (its question says so)
const REGIONS = {
  sentence: ".sentence-bar",
  predictions: "#predictions",
  network: "#network",
  bptt: "#bptt",
  formula: "#formula",
  gradflow: "#gradflow",
  gradsum: "#gradsum",
  labs: "#labs",
};

/**
 * Mount the tour on the page. `page` is main.js's {state, submit(text), jump(pos), select(t),
 * openLab(name), labs: {page}, writeUrl()}. Returns a view ({render}) and
 * {params(): the URL's tour keys, start(source, step)}.
 */
export function createTour(root, page) {
  const state = page.state;
  const title = root.querySelector(".tour-title");
  const where = root.querySelector(".tour-where");
  const heading = root.querySelector(".tour-heading");
  const body = root.querySelector(".tour-text");
  const box = root.querySelector(".tour-question");
  const summary = root.querySelector(".tour-summary");
  const problem = root.querySelector(".tour-problem");
  const jumpMenu = root.querySelector(".tour-jump");
  const back = root.querySelector(".tour-back");
  const next = root.querySelector(".tour-next");
  const fileInput = root.querySelector(".tour-file");

  let tour = null; // the Tour of app/tour.py
  let source = null; // "tutorial", a URL, or "file:<name>"
  let index = 0;
  let generation = 0; // a step applied later makes the answers of an earlier one stale
  let asked = null; // {step, kind, data, choices, chosen, result} of the shown question
  const waiters = []; // {test, resolve}: promises of frames the page has not received yet

  // ------------------------------------------------------------ waiting for the page's frames

  function until(test) {
    const value = test();
    if (value !== undefined) return Promise.resolve(value);
    return new Promise((resolve) => waiters.push({ test, resolve }));
  }

  function settle() {
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const value = waiters[i].test();
      if (value !== undefined) {
        waiters[i].resolve(value);
        waiters.splice(i, 1);
      }
    }
  }

  const sentence = () => pick(step()?.sentence) ?? state.text;
  const passOf = () => (state.pass && state.pass.text === sentence() ? state.pass : undefined);
  /** A frame of the page's sentence, once it arrives; refused at once without a sentence (a
   *  teacher's step that names none, on an empty page), which would wait forever. */
  const ofSentence = (test) =>
    sentence() ? until(test) : Promise.reject(new Error(t("tour_no_sentence", state.lang)));
  const passStart = () => ofSentence(() => passOf()?.start);
  const passFrame = (pos) => ofSentence(() => passOf()?.frames[pos]);
  const predictFrame = () =>
    ofSentence(() => (state.predict && state.predictText === sentence() ? state.predict : undefined));

  /** The pass at its totals with every backward frame (the reveal moves the page there). */
  async function totals() {
    const start = await passStart();
    page.jump(start.count - 1);
    return until(() => {
      const frames = passOf()?.frames;
      if (!frames) return undefined;
      const backward = frames.slice(start.T, start.count - 1);
      const last = frames[start.count - 1];
      return last && backward.length === start.T && backward.every(Boolean)
        ? { start, totals: last, backward }
        : undefined;
    });
  }

  /** What a question kind may read (tour_questions.js). */
  function context() {
    const current = step();
    return {
      lang: () => state.lang,
      param: (name) => pick(current.question?.params?.[name]),
      lab: (name) => pick(current.lab_set?.[name]),
      labValues: () =>
        Object.fromEntries(Object.entries(current.lab_set ?? {}).map(([k, v]) => [k, labValue(k, pick(v))])),
      sentence,
      predict: predictFrame,
      passStart,
      passFrame,
      totals,
      page: page.labs.page,
      scratch: page.labs.scratch, // the labs' scratch session: a tab keeps to two sockets
      limits: () => until(() => state.limits ?? undefined),
    };
  }

  // ------------------------------------------------------------ the tour and its steps

  const step = () => tour?.steps[index];
  const pick = (localized) => (localized ? localized[state.lang] : undefined);
  const storeKey = () => `${STORE}${source}`;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(storeKey()) ?? "{}");
    } catch {
      return {};
    }
  }

  function save(patch) {
    const saved = { ...load(), ...patch };
    try {
      localStorage.setItem(storeKey(), JSON.stringify(saved));
    } catch {
      // storage refused (private mode): the tour runs, without memory
    }
    return saved;
  }

  /** Open `tourData` (from `from`) at step `at` (an index, an id, or the remembered step). */
  function open(tourData, from, at = null) {
    tour = tourData;
    source = from;
    const remembered = load().step;
    const byId = tour.steps.findIndex((s) => s.id === at);
    const wanted = byId >= 0 ? byId : Number.isInteger(at) ? at : (remembered ?? 0);
    document.documentElement.classList.add("touring");
    for (const name of ["labs", "presets", "share", "present", "lang"]) {
      document.documentElement.classList.toggle(`tour-hide-${name}`, tour.hide.includes(name));
    }
    root.hidden = false;
    problem.hidden = true;
    gatedModel();
    fillJump();
    go(Math.max(0, Math.min(tour.steps.length - 1, wanted)));
  }

  /** The tour's text and questions are about 式2's RNN. A shipped LSTM or GRU (nothing of the
   *  learner's) gives way to the built-in model; a gated model of the learner's own stays, and
   *  the panel says that the numbers are then its. */
  function gatedModel() {
    const model = state.model;
    if (!model?.cell || model.cell === "rnn") return;
    if (model.origin === "builtin") {
      page.useBuiltinLm();
      return;
    }
    problem.hidden = false;
    problem.dataset.reason = "gated";
    problem.textContent = t("tour_gated", state.lang, model.cell.toUpperCase());
  }

  function close() {
    root.hidden = true;
    tour = null;
    document.documentElement.classList.remove("touring");
    for (const node of document.querySelectorAll(".tour-focus")) node.classList.remove("tour-focus");
    for (const name of ["labs", "presets", "share", "present", "lang"]) {
      document.documentElement.classList.remove(`tour-hide-${name}`);
    }
    page.writeUrl();
  }

  function go(i) {
    index = i;
    generation += 1;
    save({ step: i });
    apply(step());
    draw();
    page.writeUrl();
  }

  /** Set the page to what the step talks about. */
  function apply(s) {
    const mine = generation;
    const text = pick(s.sentence);
    if (text && (text !== state.text || !state.pass)) page.submit(text);
    if (s.pos !== null && s.pos !== undefined) moveTo(s.pos, mine);
    if (s.select !== null && s.select !== undefined) {
      predictFrame().then((frame) => {
        if (mine !== generation) return;
        page.select(s.select === "last" ? frame.positions.length - 1 : Math.min(s.select, frame.positions.length - 1));
      }, nothing);
    }
    if (s.lab) openLab(s.lab, s);
    highlight(s.highlight);
    // the views above fill in as the sentence's frames arrive: scroll to the region once more then
    predictFrame().then(() => mine === generation && requestAnimationFrame(() => highlight(s.highlight)), nothing);
    asked = null;
    if (s.question) ask(s, mine);
  }

  function moveTo(pos, mine) {
    passStart().then((start) => {
      if (mine !== generation) return;
      page.jump(positionOf(pos, start));
    }, nothing);
  }

  function positionOf(pos, start) {
    const named = { start: 0, "forward-end": start.T - 1, "backward-start": start.T, totals: start.count - 1 };
    return named[pos] ?? Math.min(Number(pos), start.count - 1);
  }

  /** A control's value as the lab's own inputs hold it ("yes"/"no" for a checkbox). */
  function labValue(name, value) {
    return name === "clip" || name === "tutorial" ? value === "yes" : value;
  }

  /** Open a lab after setting the step's controls in it (the lab recomputes as on a click). */
  function openLab(name, s) {
    const panel = document.getElementById(`lab-${name}`);
    for (const [control, localized] of Object.entries(s.lab_set ?? {})) {
      const input = panel?.querySelector(`[data-tour="${control}"]`);
      if (!input) continue;
      const value = pick(localized);
      if (input.type === "checkbox") input.checked = value === "yes";
      else input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    page.openLab(name);
    panel?.querySelector('[data-tour="run"]')?.click();
  }

  function highlight(region) {
    for (const node of document.querySelectorAll(".tour-focus")) node.classList.remove("tour-focus");
    const node = region ? document.querySelector(REGIONS[region]) : null;
    if (!node) return;
    node.classList.add("tour-focus");
    node.scrollIntoView({ block: "start", behavior: "instant" });
  }

  // ------------------------------------------------------------ questions

  async function ask(s, mine) {
    const kind = QUESTIONS[s.question.kind];
    const q = context();
    asked = { step: s, kind, q, data: null, chosen: null, result: null, failed: null };
    drawQuestion();
    try {
      const data = await kind.prepare(q);
      if (mine !== generation) return;
      asked.data = data;
    } catch (error) {
      if (mine !== generation) return;
      asked.failed = error.message ?? String(error);
    }
    drawQuestion();
  }

  /** The shown question in the new language: its choices prepared again, the answer kept. */
  async function relabel(mine) {
    const current = asked;
    if (!current?.data) return;
    current.q = context();
    const data = await current.kind.prepare(current.q).catch(() => null);
    if (data && mine === generation && asked === current) {
      current.data = data;
      drawQuestion();
    }
  }

  async function choose(value) {
    const current = asked;
    const mine = generation;
    if (!current?.data || current.chosen !== null) return;
    current.chosen = value;
    drawQuestion();
    const s = current.step;
    if (s.reveal_pos !== null && s.reveal_pos !== undefined) moveTo(s.reveal_pos, mine);
    try {
      current.result = await current.kind.reveal(current.q, current.data);
    } catch (error) {
      current.failed = error.message ?? String(error);
      if (mine === generation) drawQuestion();
      return;
    } finally {
      // the lab opens once the answer is in: its own pass then follows the question's on the
      // labs' scratch session instead of cutting it short
      if (s.reveal_lab && mine === generation) {
        openLab(s.reveal_lab, s);
        highlight(s.highlight);
      }
    }
    const answers = { ...(load().answers ?? {}) };
    answers[s.id] = {
      section: pick(s.section),
      question: pick(s.question.ask) ?? current.kind.ask(state.lang, current.data),
      choice: labelOf(current, value),
      answer: labelOf(current, current.result.answer),
      correct: value === current.result.answer,
      numbers: current.kind.explain(state.lang, current.result),
      lang: state.lang,
      at: new Date().toISOString(),
    };
    save({ answers });
    if (mine === generation) drawQuestion();
  }

  /** A choice as the learner saw it (in the page's language of the moment). */
  function labelOf(current, value) {
    return current.data.choices.find((c) => c.value === value)?.label ?? value;
  }

  // ------------------------------------------------------------ drawing

  function fillJump() {
    jumpMenu.replaceChildren(
      ...tour.steps.map((s, i) => new Option(`${i + 1}. ${pick(s.section)}: ${pick(s.title)}`, String(i))),
    );
  }

  function draw() {
    if (!tour) return;
    const s = step();
    const lang = state.lang;
    title.textContent = pick(tour.title);
    where.textContent = t("tour_where", lang, index + 1, tour.steps.length, pick(s.section));
    heading.replaceChildren(...notation(pick(s.title)));
    body.replaceChildren(...notation(pick(s.text)));
    root.dataset.step = s.id;
    jumpMenu.value = String(index);
    back.disabled = index === 0;
    next.disabled = index === tour.steps.length - 1;
    drawQuestion();
    drawSummary();
  }

  function drawQuestion() {
    box.replaceChildren();
    box.hidden = !asked;
    if (!asked) return;
    const lang = state.lang;
    const { data, kind } = asked;
    box.dataset.kind = asked.step.question.kind;
    box.dataset.state = asked.result ? "revealed" : asked.chosen !== null ? "revealing" : data ? "asking" : "waiting";
    if (asked.failed) {
      box.append(el("p", { class: "tour-failed", role: "alert" }, t("tour_failed", lang, asked.failed)));
      return;
    }
    if (!data) {
      box.append(el("p", { class: "tour-waiting" }, t("tour_waiting", lang)));
      return;
    }
    const own = pick(asked.step.question.ask);
    box.append(el("p", { class: "tour-ask" }, ...notation(own ?? kind.ask(lang, data))));
    const choices = el("div", { class: "tour-choices", role: "group", "aria-label": t("tour_choices", lang) });
    for (const choice of data.choices) {
      const chosen = asked.chosen === choice.value;
      const attrs = {
        type: "button",
        class: "tour-choice",
        "data-value": choice.value,
        "aria-pressed": String(chosen),
      };
      const button = el("button", attrs, ...notation(choice.label));
      if (asked.result && choice.value === asked.result.answer) button.classList.add("right");
      if (asked.result && chosen && choice.value !== asked.result.answer) button.classList.add("wrong");
      button.disabled = asked.chosen !== null;
      button.addEventListener("click", () => choose(choice.value));
      choices.append(button);
    }
    box.append(choices);
    if (asked.chosen !== null && !asked.result)
      box.append(el("p", { class: "tour-waiting" }, t("tour_revealing", lang)));
    if (asked.result) {
      const right = asked.chosen === asked.result.answer;
      const answer = data.choices.find((c) => c.value === asked.result.answer)?.label ?? asked.result.answer;
      box.append(
        el(
          "div",
          { class: `tour-reveal ${right ? "right" : "wrong"}`, role: "status", "data-answer": asked.result.answer },
          el(
            "p",
            { class: "tour-verdict" },
            ...notation(right ? t("tour_right", lang) : t("tour_wrong", lang, answer)),
          ),
          el("p", { class: "tour-explain" }, ...notation(kind.explain(lang, asked.result))),
        ),
      );
    }
  }

  function drawSummary() {
    const last = index === tour.steps.length - 1;
    summary.hidden = !last;
    if (!last) return;
    const lang = state.lang;
    const answers = load().answers ?? {};
    const rows = tour.steps.filter((s) => s.question);
    const right = rows.filter((s) => answers[s.id]?.correct).length;
    const table = el(
      "table",
      { class: "tour-table" },
      el("caption", {}, t("tour_score", lang, right, rows.length)),
      el(
        "tr",
        {},
        ...["tour_col_section", "tour_col_choice", "tour_col_answer"].map((key) =>
          el("th", { scope: "col" }, t(key, lang)),
        ),
      ),
      ...rows.map((s) => {
        const a = answers[s.id];
        return el(
          "tr",
          { "data-step": s.id, "data-correct": a ? String(a.correct) : "" },
          el("td", {}, pick(s.section)),
          el("td", {}, ...notation(a ? a.choice : t("tour_unanswered", lang))),
          el("td", {}, ...notation(a ? `${a.answer}${a.correct ? " ✓" : " ✗"}` : "")),
        );
      }),
    );
    summary.replaceChildren(table, el("p", { class: "tour-exports" }, exportButton("json"), " ", exportButton("csv")));
  }

  function exportButton(format) {
    const attrs = { type: "button", class: "tour-export", "data-format": format };
    const button = el("button", attrs, t(`tour_export_${format}`, state.lang));
    button.addEventListener("click", () => exportAs(format));
    return button;
  }

  function exportAs(format) {
    const answers = load().answers ?? {};
    const rows = tour.steps.filter((s) => s.question).map((s) => ({ step: s.id, ...(answers[s.id] ?? {}) }));
    const name = `unrolled-tour-${new Date().toISOString().slice(0, 10)}`;
    if (format === "json") {
      const text = JSON.stringify(
        { tour: tour.title.en, source, exported: new Date().toISOString(), answers: rows },
        null,
        2,
      );
      saveText(`${name}.json`, text, "application/json");
    } else {
      const keys = ["step", "section", "question", "choice", "answer", "correct", "numbers", "lang", "at"];
      saveText(`${name}.csv`, toCsv([keys, ...rows.map((r) => keys.map((k) => r[k] ?? ""))]), "text/csv");
    }
  }

  // ------------------------------------------------------------ loading a tour

  async function fetchTour(from, at = null) {
    problem.hidden = true;
    let response;
    try {
      if (from === "tutorial") response = await fetch("/api/tours/tutorial");
      else {
        const file = await fetch(from);
        if (!file.ok) throw new Error(`HTTP ${file.status}`);
        response = await postTour(await file.blob());
      }
    } catch (error) {
      return fail({ reason: "unreachable", detail: String(error.message ?? error) });
    }
    return read(response, from, at);
  }

  const postTour = (blob) =>
    fetch("/api/tours", { method: "POST", body: blob, headers: { "content-type": "text/plain" } });

  async function read(response, from, at = null) {
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = answer.detail ?? {};
      return fail(
        detail.code === "bad_tour" ? detail : { reason: detail.code ?? "invalid", detail: detail.message ?? "" },
      );
    }
    problem.hidden = true;
    open(answer, from, at);
    return true;
  }

  function fail(error) {
    root.hidden = false;
    problem.hidden = false;
    problem.dataset.reason = error.reason;
    problem.textContent = t("tour_bad", state.lang, error);
    return false;
  }

  back.addEventListener("click", () => go(index - 1));
  next.addEventListener("click", () => go(index + 1));
  jumpMenu.addEventListener("change", () => go(Number(jumpMenu.value)));
  root.querySelector(".tour-close").addEventListener("click", close);
  const fold = root.querySelector(".tour-fold");
  fold.addEventListener("click", () => {
    const folded = root.classList.toggle("folded");
    fold.setAttribute("aria-expanded", String(!folded));
    fold.dataset.i18n = folded ? "tour_unfold" : "tour_fold";
    fold.textContent = t(fold.dataset.i18n, state.lang);
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    if (file.size > 65536) fail({ reason: "too_large", detail: String(file.size) });
    else await read(await postTour(file), `file:${file.name}`, 0);
    fileInput.value = "";
  });

  return {
    render(_state, changed) {
      settle();
      if (tour && changed.has("lang")) {
        fillJump();
        if (pick(step().sentence) && pick(step().sentence) !== state.text) apply(step());
        else if (asked) relabel(generation);
        draw();
      }
    },
    /** The URL's keys of the tour (main.js's writeUrl keeps them). */
    params() {
      if (!tour || source.startsWith("file:")) return [];
      return [
        ["tour", source],
        ["step", step().id],
      ];
    },
    /** Load and open a tour ("tutorial" or a URL) at step `at` (an id), else where it was left. */
    start: fetchTour,
    get open() {
      return Boolean(tour);
    },
  };
}
