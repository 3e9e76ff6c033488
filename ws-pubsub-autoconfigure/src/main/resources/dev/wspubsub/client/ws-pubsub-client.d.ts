// Types of ws-pubsub's browser client, served at /ws-pubsub/client.js.

export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A publication's place in its topic's history: what a rejoin offers as `since`. */
export interface Position {
  epoch: string;
  offset: number;
}

/** What `getToken()` may answer: the token, or the token and its lifetime in seconds. */
export type TokenAnswer = string | { token: string; expiresIn?: number };

export interface Options {
  /** The first token, sent as the `bearer` subprotocol. */
  token?: string;
  /** Called for a token before connecting when there is none, and before the current one expires. */
  getToken?: () => TokenAnswer | Promise<TokenAnswer>;
  /** More subprotocols to offer. */
  protocols?: string[];
  /** Backoff between attempts (full jitter up to `min(maxMs, baseMs * 2^attempt)`), or `false` for no reconnect. */
  reconnect?: { baseMs?: number; maxMs?: number } | false;
  /** Bounds of the offline queue: messages sent while not open. */
  queue?: { max?: number; maxAgeMs?: number };
  /** Default timeout of `request()`, in milliseconds (10000). */
  requestTimeoutMs?: number;
  /** No message for this long means the connection is dead and is replaced; 0 (the default) never. */
  deadAfterMs?: number;
  /** When in a token's lifetime it is refreshed (0.75). */
  refreshAt?: number;
  /** Which position a message updates; by default its `topic`, else its `room` field. */
  positionKey?: (message: Message) => string | undefined;
}

/** A JSON message: an object with a `type`. */
export interface Message {
  type: string;
  id?: string | number;
  [field: string]: unknown;
}

export interface OpenInfo {
  /** Whether this is a reconnect rather than the first open. */
  reconnected: boolean;
  /** The last position seen per topic or room: offer them as `since` when rejoining. */
  positions: Map<string, Position>;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Why the client stopped for good: `unauthorized` (401/403 at upgrade, 1008), `rejected`, `closed by client`. */
export interface StopReason {
  reason: string;
  code: number;
  message?: string;
}

export interface ReconnectInfo {
  attempt: number;
  delayMs: number;
  ceilingMs: number;
  code: number;
  reason: string;
}

export interface DropInfo {
  message: unknown;
  reason: 'full' | 'expired' | 'closed';
}

/** Rejection of `request()`: `code` is `timeout`, `error` (with the error `reply`), `disconnected`, `dropped` or `closed`. */
export interface RequestError extends Error {
  code: 'timeout' | 'error' | 'disconnected' | 'dropped' | 'closed';
  reply?: Message;
}

export declare class Client {
  readonly url: string;
  readonly state: State;
  /** Set once the client stopped for good. */
  readonly closeReason: StopReason | null;
  readonly positions: Map<string, Position>;
  on(event: 'state', listener: (state: State, detail?: StopReason) => void): () => void;
  on(event: 'open', listener: (info: OpenInfo) => void): () => void;
  on(event: 'close', listener: (info: CloseInfo) => void): () => void;
  on(event: 'attempt', listener: (info: { attempt: number; reconnect: boolean }) => void): () => void;
  on(event: 'reconnect', listener: (info: ReconnectInfo) => void): () => void;
  on(event: 'drop', listener: (info: DropInfo) => void): () => void;
  on(event: 'text', listener: (text: string) => void): () => void;
  on(event: 'binary', listener: (data: ArrayBuffer) => void): () => void;
  on<M extends Message = Message>(type: string, listener: (message: M) => void): () => void;
  off(event: string, listener: (...args: any[]) => void): void;
  /** Sends at once when open, else queues. @returns false when dropped */
  send(message: object | string | ArrayBuffer | ArrayBufferView): boolean;
  /** Sends with a fresh `id`; resolves with the reply carrying it. */
  request<R extends Message = Message>(message: object, options?: { timeout?: number }): Promise<R>;
  /** The position of the last message of `key` handled before the current one. */
  position(key: string): Position | undefined;
  forget(key: string): void;
  close(code?: number, reason?: string): void;
}

export declare function connect(url: string, options?: Options): Client;

export declare function backoffDelay(attempt: number, bounds: { baseMs: number; maxMs: number }, random?: () => number): number;

/** The wait before reconnecting after a 1012 close: random within {@link restartWindow} of its reason. */
export declare function restartDelay(reason: string, random?: () => number): number;
/** The window named by a 1012 close reason ("... reconnect within 5000 ms"), else {@link RESTART_WINDOW_MS}. */
export declare function restartWindow(reason: string): number;
export declare const RESTART_WINDOW_MS: number;
export declare function backoffCeiling(attempt: number, bounds: { baseMs: number; maxMs: number }): number;

export declare function tokenLifetimeMs(token: string): number | null;

export declare class OfflineQueue<T = unknown> {
  constructor(bounds: { max: number; maxAgeMs: number }, now?: () => number);
  readonly size: number;
  offer(data: T): boolean;
  drain(): { fresh: T[]; expired: T[] };
}
