// The socket: one per tab, multiplexing every conversation (docs/protocol.md). It keeps itself
// alive with heartbeats, reconnects with backoff, and stops for good when the session ended:
// a close with 4401 or a refused handshake, while GET /api/v1/me answers 401.

const PING_EVERY = 25000;
const MAX_BACKOFF = 30000;
const STABLE_AFTER = 10000;

export class Connection extends EventTarget {
  /**
   * url: the socket's URL; checkSession: async () => false when the session has ended (true
   * or null otherwise), asked after every failed connection.
   */
  constructor({ url, checkSession }) {
    super();
    this.url = url;
    this.checkSession = checkSession;
    this.ws = null;
    this.state = "offline";
    this.generation = 0;
    this.failures = 0;
    this.openedAt = 0;
    this.retryAt = 0;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.awaitingPong = false;
    this.stopped = false;
    window.addEventListener("online", () => this.retryNow());
    document.addEventListener("visibilitychange", () => {
      // A tab coming back may hold a socket that died while it slept: a ping tells.
      if (document.visibilityState === "visible" && this.isOpen()) this.ping();
      else if (document.visibilityState === "visible" && !this.ws) this.retryNow();
    });
  }

  isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  start() {
    this.connect();
  }

  /** Send a frame; false when the socket is not open (the caller keeps it for later). */
  send(frame) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  retryNow() {
    if (this.stopped || this.ws) return;
    this.connect();
  }

  /** End for good: "signedout" (the session ended) or "refused" (this origin may not connect). */
  stop(reason) {
    if (this.stopped) return;
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.setState(reason);
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("status", { detail: { state, retryAt: this.retryAt } }));
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    const mine = ++this.generation;
    let opened = false;
    this.setState("connecting");
    const socket = new WebSocket(this.url);
    this.ws = socket;
    socket.addEventListener("open", () => {
      if (mine !== this.generation) return;
      opened = true;
      this.openedAt = Date.now();
      this.awaitingPong = false;
      this.setState("online");
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.heartbeat(), PING_EVERY);
      this.dispatchEvent(new Event("open"));
    });
    socket.addEventListener("message", (event) => {
      if (mine !== this.generation) return;
      this.awaitingPong = false; // any frame proves the connection is alive
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    });
    socket.addEventListener("close", (event) => {
      if (mine === this.generation) this.dropped(event.code, opened);
    });
  }

  ping() {
    if (this.send({ type: "ping", id: String(Date.now()) })) this.awaitingPong = true;
  }

  heartbeat() {
    if (!this.awaitingPong) return this.ping();
    // No frame for a whole interval: the connection is dead even if the browser has not noticed.
    const socket = this.ws;
    this.generation += 1;
    if (socket) socket.close();
    this.dropped(1006, true);
  }

  async dropped(code, wasOpen) {
    this.ws = null;
    clearInterval(this.pingTimer);
    this.dispatchEvent(new Event("close"));
    // 4401: what opened the socket ended (a logout, a password change, a ban). The session
    // itself may live on (a password changed in this browser keeps it, under a new key): only
    // a session the server no longer knows means signed out; otherwise reconnect as usual.
    if (code === 4401 && !(this.checkSession && (await this.checkSession()) === true)) {
      return this.stop("signedout");
    }
    if (code === 4403) return this.stop("refused");
    // Back off from a server that accepts and drops at once; start over after a stable spell.
    this.failures = wasOpen && Date.now() - this.openedAt > STABLE_AFTER ? 1 : this.failures + 1;
    const delay = Math.min(MAX_BACKOFF, 1000 * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.setState("offline");
    // A refused handshake looks like any network error from here: ask whether the session
    // is still alive, and stop retrying when it is not.
    if (this.checkSession && (await this.checkSession()) === false) this.stop("signedout");
  }
}
