// The BPTT stepper: Step backward / Step forward / Play / Pause, a speed control, a position
// slider, the phase of the pass and the current δ values. Reads state.pass; asks actions.step,
// jump, play, pause, setSpeed. The buttons live in templates/partials/bptt.html.

import { t } from "./i18n.js";
import { chainOrder, chainSuffix, clear, el, fmt, sub } from "./util.js";

const SHOWN = 8; // vector entries printed before "… n more"

export function createBptt(root, actions) {
  const buttons = {
    backward: root.querySelector("[data-action=step-backward]"),
    forward: root.querySelector("[data-action=step-forward]"),
    play: root.querySelector("[data-action=play]"),
    pause: root.querySelector("[data-action=pause]"),
  };
  const speed = root.querySelector("[data-action=speed]");
  const speedValue = root.querySelector(".speed-value");
  const slider = root.querySelector("[data-action=position]");
  const phase = root.querySelector(".phase");
  const values = root.querySelector(".delta-values");
  buttons.backward.addEventListener("click", () => actions.step("backward"));
  buttons.forward.addEventListener("click", () => actions.step("forward"));
  buttons.play.addEventListener("click", () => actions.play());
  buttons.pause.addEventListener("click", () => actions.pause());
  speed.addEventListener("input", () => {
    speedValue.textContent = speed.value;
    actions.setSpeed(Number(speed.value));
  });
  // The slider scrubs while it is dragged (one jump per animation frame), and lands on release.
  slider.addEventListener("change", () => actions.jump(Number(slider.value)));
  let scrub = null;
  slider.addEventListener("input", () => {
    if (scrub === null) {
      scrub = requestAnimationFrame(() => {
        scrub = null;
        actions.jump(Number(slider.value));
      });
    }
  });

  function render(state, changed) {
    if (!["pass", "pos", "playing", "lang", "error"].some((c) => changed.has(c))) return;
    const pass = state.pass;
    const frame = pass && pass.pos >= 0 ? pass.frames[pass.pos] : null;
    const count = pass ? pass.start.count : 1;
    for (const button of [buttons.backward, buttons.forward, buttons.play]) button.disabled = !pass;
    buttons.play.disabled = !pass || pass.playing;
    buttons.pause.disabled = !pass?.playing;
    root.dataset.playing = pass?.playing ? "1" : "0";
    slider.max = String(count - 1);
    slider.value = String(Math.max(0, pass?.pos ?? 0));
    slider.disabled = !pass;
    root.dataset.pos = String(pass?.pos ?? -1);
    root.dataset.text = pass ? pass.text : "";
    root.dataset.model = pass ? pass.start.model : "";
    phase.textContent = phaseText(frame, pass, state.lang);
    clear(values);
    if (frame) values.append(...valueLines(frame, state.lang));
  }

  return { render };
}

function phaseText(frame, pass, lang) {
  if (!frame) return t("phase_none", lang);
  const T = pass.start.T;
  if (frame.type === "bptt_forward") return t("phase_forward", lang, frame.t, T);
  if (frame.type === "bptt_backward") return t("phase_backward", lang, frame.k, T);
  return t("phase_totals", lang);
}

/** The numbers of this step as text lines: s_t going forward, δ_k going backward. */
function valueLines(frame, lang) {
  if (frame.type === "bptt_forward") {
    const lines = chainOrder(Object.keys(frame.chains)).map((key) =>
      vectorLine(sub(`s${chainSuffix(key)}`, frame.chains[key].t), frame.chains[key].s, lang, undefined, "state"),
    );
    return [...lines, el("p", { class: "hint" }, t("delta_not_yet", lang))];
  }
  if (frame.type === "bptt_backward") {
    const truncated = Object.values(frame.chains).some((c) => c.truncated);
    const warning = truncated ? [el("p", { class: "hint" }, t("truncated", lang))] : [];
    return [
      ...warning,
      ...chainOrder(Object.keys(frame.chains)).map((key) => {
        const c = frame.chains[key];
        return vectorLine(sub(`δ${chainSuffix(key)}`, c.t), c.delta, lang, c.delta_norm);
      }),
    ];
  }
  const notes = [frame.note, frame.nan_at === null ? null : t("nan_at", lang, frame.nan_at)];
  const warnings = notes.filter(Boolean).map((note) => el("p", { class: "warn" }, note));
  const norms = Object.entries(frame.delta_norm).map(([key, norms]) =>
    el(
      "p",
      { class: "vector" },
      el("span", { class: "name" }, `‖δ${chainSuffix(key)}_k‖, k = 1…${norms.length}`),
      " = [",
      el("span", { class: "numbers" }, norms.map(fmt).join(", ")),
      "]",
    ),
  );
  return [...norms, ...warnings];
}

function vectorLine(name, vector, lang, norm, kind = "delta") {
  const shown = vector.slice(0, SHOWN).map(fmt).join(", ");
  const more = vector.length > SHOWN ? `, ${t("hidden_more", lang, vector.length - SHOWN)}` : "";
  return el(
    "p",
    { class: `vector ${kind}` },
    el("span", { class: "name" }, name),
    " = [",
    el("span", { class: "numbers" }, shown),
    `${more}]`,
    norm === undefined ? null : el("span", { class: "norm" }, `‖${name}‖ = ${fmt(norm)}`),
  );
}
