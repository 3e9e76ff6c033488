// The readers of the rolling restart's full form (reliability/run-rolling-restart.sh with
// EXTERNAL=1), in a process of their own so that the servers' JVM holds only server-side
// sockets. Run by RollingRestartTests, which drives it through stdin and reads its stdout:
//
//   in:  url A <ws url>          where node A is now (again after its restart)
//        url B <ws url>
//        connect <count>          that many readers, spread over A and B, each subscribed
//                                 to the topic; answers "ready" once each got a publication
//        drain <A|B>              the node is being drained: its readers' reconnects count
//                                 from now; answers "settled <on A> <on B>" once every
//                                 reader of it is back on the other node and resumed
//        last <n>                 the last publication: answers "result <json>" once every
//                                 reader has it (or after 60 s)
//
// Each reader does what the browser client does after a 1012: waits a random delay within
// the window the close reason names ("reconnect within <ms> ms"), connects to the other
// node and resumes from the position of the last publication it got; after any other close,
// or a failed connect, it backs off as the browser client does (a random delay within 250 ms,
// doubling per failure) and counts it. It counts what it never got (lost), what came twice or
// out of order, and resumes answered "not_recovered". While a drain is unsettled it logs,
// every 5 s on stderr, how many readers are in which state.
// Publications are {"n":<sequence>,"epoch":..,"offset":..}.
//
//   node --experimental-websocket reliability/rolling-restart-readers.mjs --topic room:roll
import { createInterface } from "node:readline";

const args = parseArgs(process.argv.slice(2));
const topic = args.topic ?? "room:roll";
const connectConcurrency = Number(args["connect-concurrency"] ?? 100);

const urls = { A: null, B: null };
const readers = [];
let drain = null; // { node, startedAt, reconnects: [ms since start], expected }
const phases = [];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(`Expected --name value at '${argv[i]}'`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function say(line) {
  process.stdout.write(line + "\n");
}

const N_FIELD = /"n":(\d+)/;
const EPOCH_FIELD = /"epoch":"([^"]+)"/;
const OFFSET_FIELD = /"offset":(\d+)/;

class Reader {
  constructor(id, node) {
    this.id = id;
    this.node = node;
    this.first = -1; // the first n it got
    this.next = -1; // the n it expects next
    this.lost = 0;
    this.disorder = 0; // came twice or out of order
    this.notRecovered = 0;
    this.epoch = null;
    this.offset = -1;
    this.resumed = true; // not waiting for a resume's answer
    this.ws = null;
  }

  open(resume) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(urls[this.node]);
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        if (resume) {
          this.resumed = false;
          ws.send(`resume ${topic} ${this.epoch} ${this.offset}`);
        } else {
          ws.send(`sub ${topic}`);
        }
        resolve();
      };
      ws.onmessage = (event) => this.received(String(event.data));
      ws.onclose = (event) => {
        if (!opened) {
          reject(new Error(`reader ${this.id}: cannot connect to ${urls[this.node]} (${event.code})`));
          return;
        }
        if (ws === this.ws) this.closed(event.code, event.reason);
      };
      ws.onerror = () => {};
    });
  }

  received(text) {
    if (text === "not_recovered") {
      this.notRecovered++;
      this.resumed = true;
      checkSettled();
      return;
    }
    if (text.startsWith("subscribed ")) return;
    const n = N_FIELD.exec(text);
    if (!n) return;
    const value = Number(n[1]);
    if (this.first < 0) {
      this.first = value;
      this.next = value;
    }
    if (value > this.next) this.lost += value - this.next;
    if (value < this.next) this.disorder++;
    else this.next = value + 1;
    this.epoch = EPOCH_FIELD.exec(text)[1];
    this.offset = Number(OFFSET_FIELD.exec(text)[1]);
    if (!this.resumed) {
      this.resumed = true;
      checkSettled();
    }
    if (waitingForLast !== null) checkLast();
  }

  closed(code, reason) {
    const window = /reconnect within (\d+) ms/.exec(reason ?? "");
    if (code === 1012 && window) {
      this.reconnect(Math.random() * Number(window[1]), 0);
      return;
    }
    // Cut off without the restart's close (its closing handshake did not finish before the
    // node stopped, say): back off as the browser client does, from 250 ms.
    this.abnormal = (this.abnormal ?? 0) + 1;
    console.error(`reader ${this.id}: closed with ${code} '${reason}' by node ${this.node}`);
    this.reconnect(Math.random() * 250, 0);
  }

  // To the other node: the one this reader was on is being drained.
  reconnect(delay, attempt) {
    const to = this.node === "A" ? "B" : "A";
    this.waiting = true;
    setTimeout(() => {
      this.waiting = false;
      this.node = to;
      this.open(true).then(
        () => {
          if (drain) drain.reconnects.push(performance.now() - drain.startedAt);
        },
        (error) => {
          console.error(String(error));
          this.failedConnects = (this.failedConnects ?? 0) + 1;
          this.node = to === "A" ? "B" : "A"; // try the same one again
          this.reconnect(Math.random() * Math.min(10_000, 250 * 2 ** (attempt + 1)), attempt + 1);
        },
      );
    }, delay);
  }
}

async function connect(count) {
  let nextId = 0;
  async function worker() {
    while (nextId < count) {
      const reader = new Reader(nextId, nextId % 2 === 0 ? "A" : "B");
      nextId++;
      readers.push(reader);
      await reader.open(false);
    }
  }
  await Promise.all(Array.from({ length: connectConcurrency }, worker));
  while (readers.some((reader) => reader.first < 0)) await new Promise((resolve) => setTimeout(resolve, 50));
  say("ready");
}

function counts() {
  let a = 0;
  let b = 0;
  for (const reader of readers) {
    if (reader.ws.readyState === WebSocket.OPEN && reader.resumed) {
      if (reader.node === "A") a++;
      else b++;
    }
  }
  return [a, b];
}

function checkSettled() {
  if (!drain || drain.settled) return;
  const [a, b] = counts();
  const left = drain.node === "A" ? a : b;
  if (left === 0 && a + b === readers.length) {
    drain.settled = true;
    const times = drain.reconnects.slice().sort((x, y) => x - y);
    phases.push({ drained: drain.node, moved: times.length, peakPerSecond: peakPerSecond(times),
      allBackMs: Math.round(times[times.length - 1] ?? 0) });
    say(`settled ${a} ${b}`);
  }
}

function peakPerSecond(times) {
  let most = 0;
  for (let from = 0, to = 0; to < times.length; to++) {
    while (times[to] - times[from] >= 1000) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

let waitingForLast = null;

function checkLast() {
  if (waitingForLast === null) return;
  const done = readers.every((reader) => reader.next > waitingForLast.last);
  if (done || performance.now() > waitingForLast.deadline) {
    const result = { readers: readers.length, phases, lost: 0, disorder: 0, notRecovered: 0, short: 0,
      abnormalCloses: 0, failedConnects: 0 };
    for (const reader of readers) {
      result.lost += reader.lost;
      result.disorder += reader.disorder;
      result.notRecovered += reader.notRecovered;
      result.abnormalCloses += reader.abnormal ?? 0;
      result.failedConnects += reader.failedConnects ?? 0;
      // What never came at the end counts as lost too.
      if (reader.next <= waitingForLast.last) result.short += waitingForLast.last + 1 - reader.next;
    }
    result.lost += result.short;
    waitingForLast = null;
    say("result " + JSON.stringify(result));
    clearInterval(lastTimer);
  }
}

let lastTimer = null;

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  const [command, ...rest] = line.trim().split(" ");
  if (command === "url") {
    urls[rest[0]] = rest[1];
  } else if (command === "connect") {
    connect(Number(rest[0])).catch((error) => {
      console.error(String(error));
      process.exit(2);
    });
  } else if (command === "drain") {
    drain = { node: rest[0], startedAt: performance.now(), reconnects: [], settled: false };
    const status = setInterval(() => {
      if (drain.settled) {
        clearInterval(status);
        return;
      }
      // Where the readers are while the drain is not settled: for the log.
      const states = {};
      for (const reader of readers) {
        const key = `${reader.node}:${reader.ws.readyState}:${reader.resumed ? "resumed" : "resuming"}:${reader.waiting ? "waiting" : "-"}`;
        states[key] = (states[key] ?? 0) + 1;
      }
      console.error(`drain ${drain.node} +${Math.round(performance.now() - drain.startedAt)} ms: ${JSON.stringify(states)}`);
    }, 5000);
  } else if (command === "last") {
    waitingForLast = { last: Number(rest[0]), deadline: performance.now() + 60_000 };
    lastTimer = setInterval(checkLast, 200);
    checkLast();
  } else if (command === "quit") {
    for (const reader of readers) reader.ws.close();
    process.exit(0);
  }
});
input.on("close", () => process.exit(0));
