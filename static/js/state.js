// The page's one state object: its fields are declared here (the object is sealed: a field not
// declared cannot be written), and so is what a view can be told has changed. Only main.js
// writes it, through set(patch) and changed(...keys); the views, the labs and the tour read it
// in render(state, changed), where `changed` is a Set of keys of CHANGES.

/** The keys a view can be told have changed, and which field (or part of one) each covers. */
export const CHANGES = [
  "connection", // connection: the socket's state
  "model", // model, models: the session's model, the built-in ones
  "lang", // lang: the page's language
  "predict", // predict, predictText: the predictions and the sentence they answer
  "selected", // selected: the chosen position of the predictions
  "pass", // pass: a new held BPTT pass (or none)
  "pos", // pass.pos and pass.frames: the pass moved to another step
  "playing", // pass.playing: the pass plays or stopped
  "error", // error: the last error frame
];

/** Every field: its initial value and the change key a new value announces (null: none, a
 *  field no view draws from, or one whose effect arrives with a later frame). */
const FIELDS = {
  lang: ["en", "lang"],
  connection: ["connecting", "connection"], // connecting | open | lost
  session: [null, null], // the token of hello
  model: [null, "model"], // ModelInfo of hello / configured
  models: [[], "model"], // the built-in models of hello
  limits: [null, null], // hello.limits
  text: ["", null], // the sentence last sent (or to send once connected)
  cut: [null, null], // {tokens, limit} when only the first `limit` tokens of `text` are read
  predict: [null, "predict"], // the predict frame of `predictText`
  predictText: ["", "predict"], // the sentence `predict` answers
  selected: [null, "selected"], // chosen position t of the predictions (0-based), or null
  pass: [null, "pass"], // {id, text, start, frames: Array(count), pos, playing}
  speed: [4, null], // steps per second when the pass plays
  hideUnk: [false, null], // leave <unk> out of the predictions' top words (predict's hide_unk)
  error: [null, "error"], // {code, message, params} of the last error frame
};

for (const [name, [, key]] of Object.entries(FIELDS)) {
  if (key !== null && !CHANGES.includes(key)) throw new Error(`field ${name} announces ${key}, not in CHANGES`);
}

/**
 * The state and its two writers. `notify(changed)` runs after every write that changed
 * something, with the Set of change keys. set(patch) writes declared fields and works out what
 * changed; changed(...keys) announces a change made in place (the pass's position). Either
 * throws on a field or key that is not declared.
 */
export function createStore(notify) {
  const state = Object.seal(Object.fromEntries(Object.entries(FIELDS).map(([name, [initial]]) => [name, initial])));

  function set(patch) {
    const what = new Set();
    for (const [name, value] of Object.entries(patch)) {
      if (!(name in FIELDS)) throw new Error(`state has no field ${name}`);
      if (state[name] === value) continue;
      state[name] = value;
      const key = FIELDS[name][1];
      if (key) what.add(key);
    }
    if (what.size) notify(what);
  }

  function changed(...keys) {
    for (const key of keys) {
      if (!CHANGES.includes(key)) throw new Error(`${key} is not a change the views know`);
    }
    if (keys.length) notify(new Set(keys));
  }

  return { state, set, changed };
}
