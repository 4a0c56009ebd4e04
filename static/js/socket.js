// One WebSocket session with the server (docs/protocol.md): the page's own (main.js) and the
// labs' scratch one (labs/channel.js) are both made here. Messages get an id and wait in a queue
// until the hello frame; a lost connection comes back with the session's token, so the server
// resumes the same session.

const RECONNECT_MS = 1000;

/**
 * Open a session. `idPrefix` makes the message ids of this socket ("lab-1", …; numbers without
 * one); `onClose` runs when the connection is lost (the socket reconnects by itself).
 * Returns {send(message) → id, on(type, handler), isOpen(), ready}: `ready` settles with the
 * first hello frame.
 */
export function openSocket({ idPrefix = "", onClose = () => {} } = {}) {
  const handlers = new Map(); // frame type → [handler], in the order they were added
  const queue = []; // texts sent before the hello
  let socket = null;
  let open = false;
  let token = null;
  let nextId = 1;
  let announce;
  const ready = new Promise((resolve) => {
    announce = resolve;
  });

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const resume = token ? `?session=${encodeURIComponent(token)}` : "";
    socket = new WebSocket(`${scheme}://${location.host}/ws${resume}`);
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      open = false;
      onClose();
      setTimeout(connect, RECONNECT_MS);
    });
  }

  function receive(frame) {
    if (frame.type === "hello") {
      token = frame.session;
      open = true;
      while (queue.length) socket.send(queue.shift());
      announce(frame);
    }
    for (const handler of handlers.get(frame.type) ?? []) handler(frame);
  }

  function send(message) {
    const id = idPrefix ? `${idPrefix}${nextId++}` : nextId++;
    const text = JSON.stringify({ ...message, id });
    if (open) socket.send(text);
    else queue.push(text);
    return id;
  }

  function on(type, handler) {
    if (!handlers.has(type)) handlers.set(type, []);
    handlers.get(type).push(handler);
  }

  connect();
  return { send, on, isOpen: () => open, ready };
}
