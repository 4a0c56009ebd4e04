// How the labs talk to the server. A Channel sits on a "link" ({send(message) → id,
// on(type, handler)}) and turns request ids into promises: request() settles with the answer
// frame(s) whose `re` is the message's id, and rejects with a LabError on an `error` frame.
// Two links exist: the page's own socket (main.js: the session whose model the page shows) and
// a scratch socket the labs open for passes that must not replace the page's held bptt pass.

import { openSocket } from "../socket.js";

/** Every frame type a lab waits for (docs/protocol.md, "Server frames"). */
const FRAME_TYPES = [
  "error",
  "configured",
  "predict",
  "vocab",
  "bptt_start",
  "bptt_forward",
  "bptt_backward",
  "bptt_totals",
  "train_state",
  "progress",
  "train_done",
  "train_step",
  "gradcheck",
  "vanishing",
  "softmax",
  "generate",
  "remedies",
];

/** An `error` frame as an exception: code and message as the server sent them. */
export class LabError extends Error {
  constructor(frame) {
    super(frame.message);
    this.code = frame.code;
    this.field = frame.field ?? null;
    this.params = frame.params ?? null;
  }
}

export class Channel {
  /** @param link {send(message) → id, on(type, handler)} */
  constructor(link) {
    this.link = link;
    this.waiting = new Map(); // request id → {onFrame, resolve, reject}
    this.unclaimed = []; // handlers of frames no request waits for (re null, "upload", an old id)
    for (const type of FRAME_TYPES) link.on(type, (frame) => this.dispatch(frame));
  }

  /**
   * Send `message`; settle with the first answer, or, with `onFrame`, call it for every answer
   * and settle with the frame for which it returns true (a stream: bptt, train).
   */
  request(message, onFrame = null) {
    return new Promise((resolve, reject) => {
      const id = this.link.send(message);
      this.waiting.set(id, { onFrame: onFrame ?? (() => true), resolve, reject });
    });
  }

  /** Call `handler` with every frame that answers no request of this channel. */
  onUnclaimed(handler) {
    this.unclaimed.push(handler);
  }

  dispatch(frame) {
    const entry = this.waiting.get(frame.re);
    if (!entry) {
      for (const handler of this.unclaimed) handler(frame);
      return;
    }
    if (frame.type === "error") {
      this.waiting.delete(frame.re);
      entry.reject(new LabError(frame));
    } else if (entry.onFrame(frame)) {
      this.waiting.delete(frame.re);
      entry.resolve(frame);
    }
  }
}

/** The labs' own WebSocket session ({send, on, ready} like the page's link; socket.js). */
export function openScratchLink() {
  return openSocket({ idPrefix: "lab-" });
}

let builtins = null;

/** The built-in models (GET /api/models), fetched once. */
export function builtinModels() {
  builtins ??= fetch("/api/models").then((response) => response.json());
  return builtins;
}

/** A whole bptt pass streamed at full speed: {start, forward: [t=1..T], backward: [k=T..1], totals}. */
export async function fullPass(channel, message) {
  const pass = { start: null, forward: [], backward: [], totals: null };
  await channel.request({ ...message, type: "bptt", mode: "stream", speed: 100 }, (frame) => {
    if (frame.type === "bptt_start") pass.start = frame;
    else if (frame.type === "bptt_forward") pass.forward.push(frame);
    else if (frame.type === "bptt_backward") pass.backward.push(frame);
    else if (frame.type === "bptt_totals") pass.totals = frame;
    return frame.type === "bptt_totals";
  });
  return pass;
}
