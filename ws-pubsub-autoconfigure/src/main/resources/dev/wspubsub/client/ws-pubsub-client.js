// ws-pubsub's browser client: one WebSocket that reconnects with backoff and full jitter,
// answers request() by the "id" replies echo, queues what is sent while it is away, refreshes
// its token before it expires, and remembers each topic's last position for the rejoin hook.
// An ES module without dependencies; the starter serves it at /ws-pubsub/client.js.

/** Close codes after which reconnecting would only fail again the same way. */
const FINAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1010]);

const DEFAULTS = {
  reconnect: { baseMs: 250, maxMs: 10000 },
  queue: { max: 100, maxAgeMs: 30000 },
  requestTimeoutMs: 10000,
  deadAfterMs: 0,
  refreshAt: 0.75,
};

/**
 * The wait before reconnect attempt `attempt` (0 for the first): full jitter, a uniformly random
 * delay between 0 and the exponential ceiling min(maxMs, baseMs * 2^attempt), so that clients cut
 * off together do not come back together.
 */
export function backoffDelay(attempt, { baseMs, maxMs }, random = Math.random) {
  return Math.floor(random() * backoffCeiling(attempt, { baseMs, maxMs }));
}

/** The window a 1012 "Service Restart" close gives when its reason names none. */
export const RESTART_WINDOW_MS = 5000;

/**
 * The wait before reconnecting after a 1012 "Service Restart" close: a uniformly random delay
 * within the window the server names in the close reason ("... reconnect within 5000 ms"), so the
 * clients of a node that drains do not all reach the others in the same second.
 */
export function restartDelay(reason, random = Math.random) {
  return Math.floor(random() * restartWindow(reason));
}

/** The reconnect window of a 1012 close's reason, {@link RESTART_WINDOW_MS} when it names none. */
export function restartWindow(reason) {
  const match = /reconnect within (\d+) ?ms/i.exec(reason ?? '');
  return match ? Number(match[1]) : RESTART_WINDOW_MS;
}

/** `bytes` random bytes in hex, from the platform's cryptographic generator. */
function randomHex(bytes) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (value) => value.toString(16).padStart(2, '0')).join('');
}

/** The largest wait {@link backoffDelay} may answer for `attempt`. */
export function backoffCeiling(attempt, { baseMs, maxMs }) {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}

/**
 * What is sent while the connection is not open, bounded by count and age: `offer` refuses what
 * does not fit, `drain` hands back what is still young enough, oldest first.
 */
export class OfflineQueue {
  constructor({ max, maxAgeMs }, now = Date.now) {
    this.max = max;
    this.maxAgeMs = maxAgeMs;
    this.now = now;
    this.entries = [];
  }

  get size() {
    return this.entries.length;
  }

  /** @returns whether `data` was queued */
  offer(data) {
    if (this.entries.length >= this.max) {
      return false;
    }
    this.entries.push({ data, at: this.now() });
    return true;
  }

  /** Empties the queue: `{ fresh, expired }`, each oldest first. */
  drain() {
    const oldest = this.now() - this.maxAgeMs;
    const fresh = [];
    const expired = [];
    for (const entry of this.entries.splice(0)) {
      (entry.at >= oldest ? fresh : expired).push(entry.data);
    }
    return { fresh, expired };
  }
}

/** Milliseconds a JWT lives, from its own claims (exp - iat), so the page's clock does not matter; else null. */
export function tokenLifetimeMs(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof payload.exp !== 'number') {
      return null;
    }
    const issued = typeof payload.iat === 'number' ? payload.iat : Date.now() / 1000;
    return Math.max(0, (payload.exp - issued) * 1000);
  }
  catch {
    return null;
  }
}

/** Opens a client for the endpoint at `url` (absolute, or relative to the page, http(s) or ws(s)). */
export function connect(url, options = {}) {
  return new Client(url, options);
}

export class Client {
  constructor(url, options = {}) {
    this.url = webSocketUrl(url);
    this.options = {
      ...DEFAULTS,
      ...options,
      reconnect: options.reconnect === false ? false : { ...DEFAULTS.reconnect, ...options.reconnect },
      queue: { ...DEFAULTS.queue, ...options.queue },
    };
    this.state = 'connecting';
    this.positions = new Map();
    this.closeReason = null;
    this.listeners = new Map();
    this.pending = new Map();
    this.requestNonce = randomHex(16);
    this.queue = new OfflineQueue(this.options.queue);
    this.requests = 0;
    this.attempt = 0;
    this.opens = 0;
    this.token = typeof options.token === 'string' ? options.token : null;
    this.tokenExpiresAt = this.token ? expiry(this.token, null) : null;
    this.socket = null;
    this.timers = { retry: 0, refresh: 0, dead: 0 };
    queueMicrotask(() => this.open());
  }

  /**
   * Listens to a message type (the JSON "type" field), "*" (every JSON message), "text" and "binary"
   * (anything else), or the client's events: "state", "open", "close", "attempt", "reconnect",
   * "drop" and "auth". @returns a function that removes the listener
   */
  on(event, listener) {
    if (!this.listeners.has(event)) {
      this.listeners.set(event, new Set());
    }
    this.listeners.get(event).add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.listeners.get(event)?.delete(listener);
  }

  /** The position of the last message of `key` (a topic or room) handled before the current one. */
  position(key) {
    return this.positions.get(key);
  }

  /** Forgets `key`'s position: its next join starts from the latest messages. */
  forget(key) {
    this.positions.delete(key);
  }

  /**
   * Sends a message (an object is sent as JSON): at once when open, else into the offline queue.
   * @returns true when sent or queued; false when dropped (queue full, or the client is closed)
   */
  send(message) {
    const data = typeof message === 'string' || message instanceof ArrayBuffer || ArrayBuffer.isView(message)
      ? message : JSON.stringify(message);
    if (this.state === 'open' && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(data);
      return true;
    }
    if (this.state === 'closed') {
      this.emit('drop', { message, reason: 'closed' });
      return false;
    }
    if (!this.queue.offer(message)) {
      this.emit('drop', { message, reason: 'full' });
      return false;
    }
    return true;
  }

  /**
   * Sends `message` with a fresh `id` and resolves with the reply that echoes it; rejects on an
   * error reply ({"type":"error"}), on timeout, when the connection drops after it was sent, or
   * when it cannot be queued.
   */
  request(message, { timeout = this.options.requestTimeoutMs } = {}) {
    // Unguessable: a reply is matched on its id, and a message someone else publishes must not
    // be able to carry the id of a request in flight and settle it.
    const id = `r${++this.requests}-${this.requestNonce}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, failure('timeout', `No reply within ${timeout} ms`)), timeout);
      this.pending.set(id, { resolve, reject, timer, sent: false });
      const entry = this.pending.get(id);
      const data = { ...message, id };
      if (this.state === 'open' && this.socket.readyState === WebSocket.OPEN) {
        entry.sent = true;
      }
      if (!this.send(data)) {
        this.settle(id, failure('dropped', 'The request could not be sent or queued'));
      }
    });
  }

  /** Closes for good: no reconnect; queued messages are dropped and pending requests rejected. */
  close(code = 1000, reason = '') {
    this.stop({ reason: 'closed by client', code });
    if (this.socket) {
      this.detach(this.socket).close(code, reason);
      this.socket = null;
    }
  }

  // ---- connection ----

  async open() {
    if (this.state === 'closed') {
      return;
    }
    let token;
    try {
      token = await this.currentToken();
    }
    catch (error) {
      this.lost({ code: 1006, reason: `No token: ${error?.message ?? error}` });
      return;
    }
    if (this.state === 'closed') {
      return;
    }
    const protocols = [...(this.options.protocols ?? [])];
    if (token) {
      // A browser cannot set headers on a WebSocket: the token goes as the subprotocols ["bearer", token].
      protocols.push('bearer', token);
    }
    this.emit('attempt', { attempt: this.attempt, reconnect: this.opens > 0 });
    const socket = new WebSocket(this.url, protocols);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.opened(socket);
    };
    socket.onmessage = (event) => {
      this.alive(socket);
      this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      if (opened) {
        this.closed(event);
      }
      else {
        this.refused(token);
      }
    };
  }

  opened(socket) {
    const reconnected = this.opens++ > 0;
    this.attempt = 0;
    this.retriedToken = false;
    this.setState('open');
    this.alive(socket);
    this.scheduleRefresh();
    // The rejoin hook runs before what was queued goes out, so a queued chat follows its room's join.
    this.emit('open', { reconnected, positions: new Map(this.positions) });
    const { fresh, expired } = this.queue.drain();
    expired.forEach((message) => this.emit('drop', { message, reason: 'expired' }));
    for (const message of fresh) {
      if (this.socket !== socket || socket.readyState !== WebSocket.OPEN) {
        this.send(message);
        continue;
      }
      socket.send(typeof message === 'object' && !(message instanceof ArrayBuffer) && !ArrayBuffer.isView(message)
        ? JSON.stringify(message) : message);
      if (message?.id !== undefined && this.pending.has(message.id)) {
        this.pending.get(message.id).sent = true;
      }
    }
  }

  closed(event) {
    this.emit('close', { code: event.code, reason: event.reason });
    if (FINAL_CLOSE_CODES.has(event.code)) {
      this.stop({ reason: event.code === 1008 ? 'unauthorized' : 'rejected', code: event.code, message: event.reason });
      return;
    }
    if (event.code === 1012) {
      // The server restarts: come back at a random moment of its window, like every other client.
      this.lost({ code: event.code, reason: event.reason }, restartDelay(event.reason), restartWindow(event.reason));
      return;
    }
    this.lost({ code: event.code, reason: event.reason });
  }

  // The upgrade failed, and a browser does not say why: ask the server the same question over HTTP.
  async refused(token) {
    let status = 0;
    try {
      const headers = token ? { Authorization: `Bearer ${token}` } : {};
      status = (await fetch(this.url.replace(/^ws/, 'http'), { headers, cache: 'no-store' })).status;
    }
    catch {
      // Unreachable: a network failure, retried below.
    }
    if (status === 401 || status === 403) {
      if (this.options.getToken && !this.retriedToken) {
        // Perhaps only this token was stale: once, with a fresh one.
        this.retriedToken = true;
        this.token = null;
        this.lost({ code: 1006, reason: `HTTP ${status}` }, 0);
        return;
      }
      this.stop({ reason: 'unauthorized', code: status, message: `HTTP ${status} at upgrade` });
      return;
    }
    this.lost({ code: 1006, reason: status ? `HTTP ${status} at upgrade` : 'unreachable' });
  }

  /** The connection is gone but may come back: reject what waited on it, schedule the next attempt. */
  lost({ code, reason }, delayMs, ceilingMs) {
    clearTimeout(this.timers.refresh);
    clearTimeout(this.timers.dead);
    this.rejectSent(failure('disconnected', `Connection closed (${code}${reason ? ` ${reason}` : ''})`));
    if (this.state === 'closed') {
      return;
    }
    if (this.options.reconnect === false) {
      this.stop({ reason: 'disconnected', code, message: reason });
      return;
    }
    const delay = delayMs ?? backoffDelay(this.attempt, this.options.reconnect);
    const ceiling = ceilingMs ?? backoffCeiling(this.attempt, this.options.reconnect);
    this.setState(this.opens > 0 ? 'reconnecting' : 'connecting');
    this.emit('reconnect', { attempt: this.attempt, delayMs: delay, ceilingMs: ceiling, code, reason });
    this.attempt++;
    this.timers.retry = setTimeout(() => this.open(), delay);
  }

  stop(why) {
    if (this.state === 'closed') {
      return;
    }
    Object.values(this.timers).forEach(clearTimeout);
    this.closeReason = why;
    const { fresh, expired } = this.queue.drain();
    [...fresh, ...expired].forEach((message) => this.emit('drop', { message, reason: 'closed' }));
    for (const id of [...this.pending.keys()]) {
      this.settle(id, failure('closed', `Client closed: ${why.reason}`));
    }
    this.setState('closed', why);
  }

  detach(socket) {
    socket.onopen = socket.onmessage = socket.onclose = null;
    return socket;
  }

  // No frame for longer than the server's ping interval allows: the connection is dead, though the
  // browser may take minutes to notice. Replace it.
  alive(socket) {
    clearTimeout(this.timers.dead);
    if (this.options.deadAfterMs > 0) {
      this.timers.dead = setTimeout(() => {
        if (this.socket === socket) {
          this.socket = null;
          this.detach(socket).close(4000, 'No traffic');
          this.emit('close', { code: 4000, reason: 'No traffic' });
          this.lost({ code: 4000, reason: 'No traffic' });
        }
      }, this.options.deadAfterMs);
    }
  }

  receive(data) {
    if (typeof data !== 'string') {
      this.emit('binary', data);
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    }
    catch {
      this.emit('text', data);
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.emit('text', data);
      return;
    }
    if (message.id !== undefined && this.pending.has(message.id)) {
      this.settle(message.id, message.type === 'error' ? failure('error', message.error, message) : null, message);
    }
    if (message.type === 'auth_ok') {
      this.emit('auth', message);
    }
    this.emit(message.type, message);
    this.emit('*', message);
    // After the listeners, so that position(key) tells them where the message before this one was.
    const key = this.options.positionKey ? this.options.positionKey(message) : (message.topic ?? message.room);
    const position = positionOf(message);
    if (key !== undefined && position) {
      this.positions.set(key, position);
    }
  }

  settle(id, error, reply) {
    const entry = this.pending.get(id);
    if (!entry) {
      return;
    }
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (error) {
      entry.reject(error);
    }
    else {
      entry.resolve(reply);
    }
  }

  rejectSent(error) {
    for (const [id, entry] of [...this.pending]) {
      if (entry.sent) {
        this.settle(id, error);
      }
    }
  }

  // ---- token ----

  async currentToken() {
    const early = this.tokenExpiresAt !== null && Date.now() >= this.tokenExpiresAt - 1000;
    if (this.options.getToken && (!this.token || early)) {
      this.takeToken(await this.options.getToken());
    }
    return this.token;
  }

  takeToken(answer) {
    const token = typeof answer === 'string' ? answer : answer?.token;
    if (!token) {
      throw new Error('getToken() gave no token');
    }
    this.token = token;
    this.tokenExpiresAt = expiry(token, typeof answer === 'object' ? answer.expiresIn : null);
  }

  // Before the server closes at the token's expiry (1008), a fresh token goes over the socket.
  scheduleRefresh() {
    clearTimeout(this.timers.refresh);
    if (!this.options.getToken || this.tokenExpiresAt === null) {
      return;
    }
    const left = this.tokenExpiresAt - Date.now();
    this.timers.refresh = setTimeout(async () => {
      try {
        this.takeToken(await this.options.getToken());
        if (this.state === 'open') {
          this.send({ type: 'auth', token: this.token });
          this.scheduleRefresh();
        }
      }
      catch (error) {
        // No fresh token now: the server closes at expiry, and the reconnect asks again.
        this.emit('auth', { type: 'error', error: String(error?.message ?? error) });
      }
    }, Math.max(0, left * this.options.refreshAt));
  }

  // ---- events ----

  setState(state, detail) {
    if (this.state !== state) {
      this.state = state;
      this.emit('state', state, detail);
    }
  }

  emit(event, ...args) {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      }
      catch (error) {
        // One listener's bug must not stop the others, nor the client.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}

function positionOf(message) {
  return typeof message.epoch === 'string' && typeof message.offset === 'number'
    ? { epoch: message.epoch, offset: message.offset } : null;
}

function expiry(token, expiresInSeconds) {
  const lifetime = typeof expiresInSeconds === 'number' ? expiresInSeconds * 1000 : tokenLifetimeMs(token);
  return lifetime === null ? null : Date.now() + lifetime;
}

function failure(code, message, reply) {
  return Object.assign(new Error(message), { code, reply });
}

function webSocketUrl(url) {
  const absolute = new URL(url, globalThis.location?.href);
  if (absolute.protocol === 'http:') {
    absolute.protocol = 'ws:';
  }
  else if (absolute.protocol === 'https:') {
    absolute.protocol = 'wss:';
  }
  return absolute.href;
}
