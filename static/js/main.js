// The page's wiring: its state (state.js), its WebSocket session (socket.js) and the views.
// Views read `state` (and the frames it holds) in render(state, changed); they ask for changes
// only through `actions`. Every number drawn comes from a server frame (docs/protocol.md).

import { createBptt } from "./bptt.js";
import { createFormula } from "./formula.js";
import { createGradflow } from "./gradflow.js";
import { createGradsum } from "./gradsum.js";
import { applyStatic, errorSentence, PRESETS, t } from "./i18n.js";
import { mountLabs } from "./labs/index.js";
import { createNetwork } from "./net.js";
import { createPredictions } from "./predictions.js";
import { openSocket } from "./socket.js";
import { createStore } from "./state.js";
import { createTour } from "./tour.js";
import { languageOf } from "./util.js";

const TYPING_PAUSE_MS = 600;

const views = [];
const store = createStore((changed) => {
  for (const view of views) view.render(store.state, changed);
});
const { state, set, changed } = store;
// the ids of the page's predict and bptt requests in flight, and the sentence they read
const requests = { predict: null, bptt: null, text: "" };
const passOfRequest = new Map(); // request id → id of the bptt pass it moves
const ownRequests = new Set(); // ids the page itself sent (the labs send through `app`)
let link = null; // the page's session (socket.js): its socket, queue and reconnection
let typingTimer = null;

/** Play or stop the held pass (the one writer of pass.playing). */
function setPlaying(on) {
  const pass = state.pass;
  if (!pass || pass.playing === on) return;
  pass.playing = on;
  changed("playing");
}

// ---------------------------------------------------------------- socket

/** Send a message of the page's own (its answers and errors are the page's to show). */
function send(message) {
  const id = link.send(message);
  ownRequests.add(id);
  return id;
}

/** What the labs (static/js/labs/) get of the page: its session's socket and its state. */
const app = {
  send: (message) => link.send(message), // now, or once the hello arrived
  on: (type, handler) => link.on(type, handler), // after the page's own handlers
  state,
};

/** Open the page's session; its frames go to HANDLERS first, then to the labs' handlers. */
function connect() {
  link = openSocket({
    onClose() {
      document.body.dataset.ready = "0";
      setPlaying(false);
      set({ connection: "lost" });
    },
  });
  for (const [type, handler] of Object.entries(HANDLERS)) link.on(type, handler);
}

const HANDLERS = {
  hello(frame) {
    document.body.dataset.session = frame.session;
    markModel(frame.model);
    document.body.dataset.ready = "1";
    set({
      connection: "open",
      session: frame.session,
      model: frame.model,
      models: frame.models,
      limits: frame.limits,
    });
    if (state.text) submit(state.text);
  },
  train_done: refreshModel,
  train_step: refreshModel,
  configured(frame) {
    markModel(frame.model);
    set({ model: frame.model });
    if (state.text) submit(state.text);
  },
  predict(frame) {
    if (frame.re !== requests.predict) return;
    set({ predict: frame, predictText: requests.text, selected: null, error: null });
  },
  bptt_start(frame) {
    if (frame.re !== requests.bptt) return;
    const frames = new Array(frame.count);
    set({ pass: { id: frame.re, text: requests.text, start: frame, frames, pos: -1, playing: false } });
  },
  bptt_forward: passFrame,
  bptt_backward: passFrame,
  bptt_totals: passFrame,
  ack(frame) {
    if (frame.of === "pause") setPlaying(false);
  },
  error(frame) {
    if (frame.re !== null && !ownRequests.has(frame.re)) return; // a lab's error: the lab shows it
    const error = { code: frame.code, message: frame.message, params: frame.params };
    if (frame.re === requests.predict || frame.re === requests.bptt) {
      set({ error, predict: null, pass: null });
    } else {
      setPlaying(false);
      set({ error });
    }
  },
};

/** The session's model on <body> (data-language, data-model, data-hidden) read by the tests. */
function markModel(model) {
  document.body.dataset.language = model.language;
  document.body.dataset.model = model.name;
  document.body.dataset.hidden = String(model.hidden_size);
}

/** A frame of the held pass: cache it by position and make it the current one. */
function passFrame(frame) {
  const pass = state.pass;
  if (!pass || passOfRequest.get(frame.re) !== pass.id) return;
  const started = performance.now();
  pass.frames[frame.pos] = frame;
  pass.pos = frame.pos;
  if (frame.pos === frame.count - 1) setPlaying(false);
  changed("pos");
  document.body.getBoundingClientRect(); // flush style and layout: the measure covers them too
  performance.measure("step-render", { start: started, end: performance.now() });
}

/** The session's weights changed (training): read the sentence again with the new model. */
function refreshModel(frame) {
  if (frame.model) set({ model: frame.model });
  else changed("model");
  if (state.text) submit(state.text);
}

// ---------------------------------------------------------------- actions

/** Read `text`: predictions and a held BPTT pass. `cut` ({tokens, limit} of a too_long error)
 *  asks the server to read only the first `limit` tokens, and the page says so. */
function submit(text, cut = null) {
  set({ text, cut });
  if (state.connection !== "open") return;
  requests.text = text;
  const model = builtinFor(text);
  const cutField = cut ? { cut: true } : {};
  predictAgain();
  requests.bptt = send({ type: "bptt", text, mode: "step", speed: state.speed, model, ...cutField });
  passOfRequest.clear();
  passOfRequest.set(requests.bptt, requests.bptt);
}

/**
 * A sentence in the other language than the session's model is read by a built-in model of its
 * language, so a Chinese sentence is segmented and predicted in Chinese. A built-in session
 * model (a shipped LSTM included) leaves the choice to the server, which takes the same kind in
 * that language (zh-lstm for en-lstm, zh-deep for en-deep); a model of the learner's own gives
 * way to the language's built-in LM. undefined keeps the session's model (or the server's pick).
 */
function builtinFor(text) {
  const language = languageOf(text);
  if (!state.model || state.model.language === language || state.model.origin === "builtin") return undefined;
  return state.models.find((m) => m.language === language && m.kind === "lm")?.name;
}

/** Ask for the predictions of the sentence last sent (with the page's <unk> choice). */
function predictAgain() {
  const text = requests.text;
  const hide = state.hideUnk ? { hide_unk: true } : {};
  const cut = state.cut ? { cut: true } : {};
  requests.predict = send({ type: "predict", text, top_k: 10, model: builtinFor(text), ...cut, ...hide });
}

function movePass(message) {
  const pass = state.pass;
  if (!pass || state.connection !== "open") return;
  passOfRequest.set(send(message), pass.id);
}

const actions = {
  step(dir) {
    setPlaying(false);
    movePass({ type: "step", dir });
  },
  jump(pos) {
    const pass = state.pass;
    if (!pass || pos === pass.pos) return;
    setPlaying(false);
    // The gradient-flow chart and the per-time gradient cards are built from every backward
    // frame up to pos: the ones a jump skips are fetched first (each is one step frame).
    const firstBackward = pass.start.T;
    for (let q = firstBackward; q < pos; q += 1) {
      if (!pass.frames[q]) movePass({ type: "step", to: q });
    }
    movePass({ type: "step", to: pos });
  },
  play() {
    const pass = state.pass;
    if (!pass || pass.playing) return;
    if (pass.pos === pass.start.count - 1) movePass({ type: "step", to: 0 });
    movePass({ type: "play", speed: state.speed });
    setPlaying(true);
  },
  pause() {
    if (!state.pass) return;
    movePass({ type: "pause" });
  },
  togglePlay() {
    if (state.pass?.playing) actions.pause();
    else actions.play();
  },
  setSpeed(speed) {
    set({ speed });
    if (state.pass?.playing) movePass({ type: "play", speed });
  },
  select(t) {
    set({ selected: t });
  },
  setHideUnk(on) {
    set({ hideUnk: on });
    if (state.text && state.connection === "open") predictAgain(); // the held pass stays
  },
};

// ---------------------------------------------------------------- page chrome

const LANG_KEY = "unrolled.lang";

/** The language the learner chose last time (this browser), else the browser's own. */
function rememberedLanguage() {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === "en" || saved === "zh") return saved;
  } catch {
    // storage refused (private mode): fall back to the browser's language
  }
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** 中文 / English also swaps the example sentence, if the box still holds the other one. */
function swapExample(lang) {
  const input = document.getElementById("sentence");
  const other = t("example", lang === "zh" ? "en" : "zh");
  if (input.value.trim() === other) {
    input.value = t("example", lang);
    submit(input.value);
  }
}

function setLanguage(lang) {
  swapExample(lang);
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // not remembered, the page still switches
  }
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  applyStatic(document, lang); // every static string rewritten: the views write theirs again
  if (state.lang === lang) changed("lang");
  else set({ lang });
}

function renderChrome(current, changed) {
  const status = document.getElementById("status");
  const problem = document.getElementById("problem");
  if (["connection", "model", "lang", "predict"].some((c) => changed.has(c))) {
    const text = {
      connecting: t("connecting", current.lang),
      open: current.model ? t("model_line", current.lang, current.model) : t("connected", current.lang),
      lost: t("reconnecting", current.lang),
    }[current.connection];
    const other = current.predict && current.model && current.predict.model !== current.model.name;
    status.textContent = other ? `${text} ${t("sentence_model", current.lang, current.predict.model)}` : text;
    status.dataset.connection = current.connection;
  }
  if (changed.has("error") || changed.has("lang") || changed.has("predict")) {
    const error = current.error;
    const note =
      !error && current.cut ? t("cut_note", current.lang, current.cut.limit, current.cut.tokens, current.cut.unit) : "";
    problem.hidden = !error && !note;
    problem.replaceChildren();
    problem.dataset.code = error ? error.code : "cut";
    if (error) {
      const text = errorSentence(error, current.lang);
      problem.append(text);
      if (error.code === "too_long" && error.params) {
        const offer = document.createElement("button");
        offer.type = "button";
        offer.className = "cut-offer";
        offer.textContent = t("cut_offer", current.lang, error.params.limit, error.params.unit);
        offer.addEventListener("click", () => submit(current.text, error.params));
        problem.append(" ", offer);
      } else if (error.code === "no_blank" && error.params?.blanks === 0 && current.text) {
        // a blank-filling model and a sentence without ____: offer the blank at its end (the
        // bidirectional model then guesses the next word from both sides: left and </s>)
        const offer = document.createElement("button");
        offer.type = "button";
        offer.className = "cut-offer";
        offer.textContent = t("blank_offer", current.lang);
        offer.addEventListener("click", () => {
          const text = `${current.text} ____`;
          document.getElementById("sentence").value = text;
          submit(text);
        });
        problem.append(" ", offer);
      }
    } else if (note) {
      problem.append(note);
    }
  }
}

function wireSentence() {
  const input = document.getElementById("sentence");
  // A typing pause sends a changed sentence; Enter sends it even unchanged (to read it again).
  const sendNow = (again) => {
    clearTimeout(typingTimer);
    const text = input.value.trim();
    if (!text) clearSentence();
    else if (again || text !== state.text) submit(text);
  };
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => sendNow(false), TYPING_PAUSE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      sendNow(true);
      leaveSentence(); // ← → and space step through the pass right away
    } else if (event.key === "Escape") {
      event.preventDefault();
      leaveSentence();
    }
  });
  set({ text: input.value.trim() });
}

/** Focus leaves the sentence box for the stepper (which takes ← → and space). */
function leaveSentence() {
  document.getElementById("bptt").focus({ preventScroll: true });
}

/** An emptied box: no predictions, no pass, no error from an earlier sentence. */
function clearSentence() {
  requests.predict = requests.bptt = null;
  set({ text: "", predict: null, pass: null, error: null, selected: null });
}

function wireKeys() {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable], #labs")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape" && presenting()) setPresent(false);
    else if (event.key === "ArrowLeft") actions.step("backward");
    else if (event.key === "ArrowRight") actions.step("forward");
    else if (event.key === " " && spaceMeansPlay(target)) actions.togglePlay();
    else return;
    event.preventDefault();
  });
  // A focused stepper button would also "click" on the space's keyup: space is play/pause there.
  document.addEventListener("keyup", (event) => {
    if (event.key === " " && event.target.closest("#bptt button")) event.preventDefault();
  });
}

/** Space plays/pauses everywhere except on buttons outside the stepper (they keep their click). */
function spaceMeansPlay(target) {
  return !target.closest("button") || Boolean(target.closest("#bptt"));
}

// ---------------------------------------------------------------- the view in the URL

const URL_KEYS = { text: "s", lang: "lang", pos: "pos", lab: "lab", present: "present", tour: "tour", step: "step" };
const MAX_URL = 2000;
let restoring = null; // the URL's state until the page has reached it

/** What the address bar holds: the sentence, the language, the BPTT position, the open lab. */
function readUrl() {
  const params = new URLSearchParams(location.search);
  const pos = Number.parseInt(params.get(URL_KEYS.pos) ?? "", 10);
  const lang = params.get(URL_KEYS.lang);
  return {
    text: params.get(URL_KEYS.text) ?? null,
    lang: lang === "en" || lang === "zh" ? lang : null,
    pos: Number.isInteger(pos) && pos >= 0 ? pos : null,
    lab: params.get(URL_KEYS.lab),
    present: params.get(URL_KEYS.present) === "1",
    tour: params.get(URL_KEYS.tour),
    step: params.get(URL_KEYS.step),
  };
}

/** Put the current view in the address bar (history.replaceState: no new history entries). */
function writeUrl() {
  if (restoring) return;
  const params = new URLSearchParams();
  if (state.text) params.set(URL_KEYS.text, state.text);
  params.set(URL_KEYS.lang, state.lang);
  if (state.pass && state.pass.pos > 0) params.set(URL_KEYS.pos, String(state.pass.pos));
  const lab = labsView?.shown;
  if (lab) params.set(URL_KEYS.lab, lab);
  if (presenting()) params.set(URL_KEYS.present, "1");
  for (const [key, value] of tourView?.params() ?? []) params.set(key, value);
  let query = params.toString();
  if (query.length > MAX_URL) {
    params.delete(URL_KEYS.text); // a very long sentence is not worth a link that breaks
    query = params.toString();
  }
  history.replaceState(null, "", `${location.pathname}?${query}`);
}

/** Once the pass of the URL's sentence has started, jump to the URL's position. */
function restorePosition() {
  if (!restoring || !state.pass || state.pass.text !== restoring.text) return;
  const pos = restoring.pos;
  restoring = null;
  if (pos !== null && pos < state.pass.start.count) actions.jump(pos);
  else writeUrl();
}

function wireShare() {
  const button = document.getElementById("copy-link");
  const note = document.getElementById("copied");
  button.addEventListener("click", async () => {
    writeUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      note.textContent = t("copied", state.lang);
    } catch {
      note.textContent = t("copy_failed", state.lang);
    }
    note.dataset.href = location.href;
  });
}

// ---------------------------------------------------------------- present mode

/** Whether the page is in present mode: large type, the network, the stepper and the charts
 *  only (no labs, no hints), driven by the keyboard: ← → step, space plays, Esc leaves. */
function presenting() {
  return document.documentElement.classList.contains("present");
}

function setPresent(on) {
  const root = document.documentElement;
  root.classList.toggle("present", on);
  const button = document.getElementById("present");
  button.setAttribute("aria-pressed", String(on));
  button.textContent = t(on ? "present_exit" : "present", state.lang);
  button.dataset.i18n = on ? "present_exit" : "present";
  if (on) leaveSentence(); // the keys step the pass at once
  if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
  // the charts measure their cards again at the new type size
  window.dispatchEvent(new Event("resize"));
  writeUrl();
}

function wirePresent(initially) {
  const button = document.getElementById("present");
  button.addEventListener("click", () => {
    const on = !presenting();
    setPresent(on);
    // full screen where the browser allows it (a projector); present mode works without it
    if (on && document.fullscreenEnabled) document.documentElement.requestFullscreen().catch(() => {});
  });
  // the browser's own Esc leaves full screen first: present mode follows it out
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && presenting()) setPresent(false);
  });
  if (initially) setPresent(true);
}

function wirePresets() {
  const menu = document.getElementById("presets");
  const fill = () => {
    menu.replaceChildren(new Option(t("presets_pick", state.lang), ""));
    for (const lang of ["en", "zh"]) {
      const group = document.createElement("optgroup");
      group.label = t(`presets_${lang}`, state.lang);
      for (const text of PRESETS[lang]) group.append(new Option(text, text));
      menu.append(group);
    }
  };
  fill();
  menu.addEventListener("change", () => {
    if (!menu.value) return;
    const input = document.getElementById("sentence");
    input.value = menu.value;
    submit(menu.value);
    menu.value = "";
  });
  return fill;
}

let labsView = null;
let tourView = null;
let refillPresets = null;

/** The URL follows the view; the first pass of a restored link also jumps to its position. */
function urlView(_state, changed) {
  if (changed.has("lang") && refillPresets) refillPresets();
  if (changed.has("pass")) restorePosition();
  if (["predict", "pos", "lang", "pass"].some((c) => changed.has(c))) writeUrl();
}

function start() {
  const url = readUrl();
  if (url.text) document.getElementById("sentence").value = url.text;
  restoring = url.text ? url : null;
  connect(); // its frames arrive once start() has returned: every view is in place by then
  views.push(
    { render: renderChrome },
    createPredictions(document.getElementById("predictions"), actions),
    createNetwork(document.getElementById("network")),
    createBptt(document.getElementById("bptt"), actions),
    createFormula(document.getElementById("formula")),
    createGradflow(document.getElementById("gradflow")),
    createGradsum(document.getElementById("gradsum")),
  );
  labsView = mountLabs(document.getElementById("labs"), app);
  tourView = createTour(document.getElementById("tour"), {
    state,
    submit(text) {
      document.getElementById("sentence").value = text;
      submit(text);
    },
    jump: actions.jump,
    select: actions.select,
    // the tour explains 式2's RNN: a shipped LSTM or GRU on the page gives way to the built-in LM
    useBuiltinLm: () => send({ type: "configure", model: `${state.model.language}-lm` }),
    openLab: (name) => labsView.open(name),
    labs: labsView,
    writeUrl,
  });
  views.push(labsView, tourView, { render: urlView });
  document.getElementById("tour-open").addEventListener("click", () => {
    if (!tourView.open) tourView.start("tutorial");
  });
  if (url.lab) labsView.open(url.lab);
  document.getElementById("labs").addEventListener("click", (event) => {
    if (event.target.closest("[role=tab]")) writeUrl();
  });
  document.getElementById("lang-switch").addEventListener("click", () => {
    setLanguage(state.lang === "en" ? "zh" : "en");
  });
  wireSentence();
  wireKeys();
  wireShare();
  refillPresets = wirePresets();
  setLanguage(url.lang ?? rememberedLanguage());
  wirePresent(url.present);
  if (url.tour) tourView.start(url.tour, url.step);
}

start();
