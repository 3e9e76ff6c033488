// The chat benchmark's headline client, run with Bun: Bun's chat-benchmark protocol, each
// message its own ws.send, as browsers and Bun's own benchmark client send them.
//
// N clients connect to ws://HOST:PORT/ws?name=ClientI (no permessage-deflate offered) and
// wait for "ready". Each round every client sends 1,600 messages ("Hello World!",
// "Hello World! 1" ... "Hello World! 49", 32 times: the same texts as ChatLoad), one
// ws.send each; the next round starts once all N x 1,600 x N deliveries of this one have
// arrived. Prints the deliveries of each second, then the RESULT line ChatLoad prints (same
// keys), so run-chat.sh treats both clients alike. Server CPU is utime + stime of
// --server-pid from /proc at the two ends of the counted window; with --redis-pid, the same
// for the server's Redis (whose work is not in the server's CPU time); with --counters-url
// (the ws-pubsub chat server's /bench/counters), the heap bytes the server allocated in the
// window per message it received and per message delivered.
//
//   bun benchmarks/bun-chat-client.mjs --port 4001 --clients 16 --warmup 10 --duration 10 \
//       --server-pid 1234 --clk-tck 100 --label ws-pubsub
import { readFileSync } from "node:fs";

const args = parseArgs(process.argv.slice(2));
const host = args.host ?? "127.0.0.1";
const port = Number(args.port ?? 4001);
const clients = Number(args.clients ?? 16);
const messages = Number(args.messages ?? 1600);
const warmup = Number(args.warmup ?? 10);
const duration = Number(args.duration ?? 10);
const serverPid = Number(args["server-pid"] ?? 0);
const clockTicks = Number(args["clk-tck"] ?? 100);
const redisPid = Number(args["redis-pid"] ?? 0);
const roundDelayMs = Number(args["round-delay-ms"] ?? 0);
const label = args.label ?? "server";
const countersUrl = args["counters-url"] ?? "";

const texts = Array.from({ length: messages }, (_, i) => (i % 50 === 0 ? "Hello World!" : `Hello World! ${i % 50}`));
const perRound = clients * messages * clients;

let delivered = 0;
let remaining = perRound;
let rounds = 0;
let stopped = false;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`Expected --name value, got '${arg}'`);
    const eq = arg.indexOf("=");
    if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (i + 1 < argv.length) out[arg.slice(2)] = argv[++i];
    else throw new Error(`Missing value for ${arg}`);
  }
  return out;
}

// utime + stime of a process in clock ticks (fields 14 and 15, counted after the command name)
function cpuTicks(pid) {
  return cpu(pid).total;
}

// The same and stime alone, from one read: the kernel's share (on loopback, the receiving
// side's TCP path of each send too)
function cpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  const system = Number(fields[12]);
  return { total: Number(fields[11]) + system, system };
}

function connect(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host}:${port}/ws?name=Client${i}`, { perMessageDeflate: false });
    ws.onerror = event => reject(new Error(`Client${i}: ${event.message ?? "connection failed"}`));
    ws.onclose = event => {
      if (!stopped) console.error(`Client${i} closed: ${event.code} ${event.reason}`);
    };
    ws.onmessage = event => {
      if (event.data !== "ready") return;
      ws.onmessage = onChatMessage;
      resolve(ws);
    };
  });
}

function onChatMessage() {
  delivered++;
  if (--remaining === 0) {
    remaining = perRound;
    rounds++;
    if (!stopped) setTimeout(sendRound, roundDelayMs);
  }
}

function sendRound() {
  for (const ws of sockets) {
    for (const text of texts) {
      ws.send(text);
    }
  }
}

function withTimeout(promise, ms, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what)), ms))]);
}

const sockets = await withTimeout(
  Promise.all(Array.from({ length: clients }, (_, i) => connect(i))),
  30_000,
  `not all of ${clients} clients got 'ready' within 30 s`,
);
console.log(`${label}: ${clients} clients x ${messages} messages, one ws.send each (Bun ${Bun.version}), warm-up ${warmup}s, counted ${duration}s`);

const samples = [];
const start = performance.now();
let last = 0;
let second = 0;
let window = warmup === 0 ? begin(0) : null;
sendRound();

// A tick per second of the wall clock. While a round is being sent the event loop is busy,
// so a tick can come late: each sample is scaled to the time since the previous one.
let lastAt = start;
function tick() {
  second++;
  const now = performance.now();
  const total = delivered;
  const sample = Math.round(((total - last) * 1000) / (now - lastAt));
  last = total;
  lastAt = now;
  const counted = second > warmup;
  console.log(`${counted ? "  " : "w "} ${String(second).padStart(3)}  ${sample.toLocaleString("en-US").padStart(12)} msg/s`);
  if (counted) samples.push(sample);
  if (second === warmup) window = begin(total);
  if (second === warmup + duration) {
    finish(window, total);
    return;
  }
  setTimeout(tick, Math.max(0, start + (second + 1) * 1000 - performance.now()));
}
setTimeout(tick, 1000);

function begin(total) {
  return {
    total,
    at: performance.now(),
    server: serverPid > 0 ? cpu(serverPid) : null,
    redisTicks: redisPid > 0 ? cpuTicks(redisPid) : 0,
    client: process.cpuUsage(),
    counters: readCounters(),
  };
}

// The server's allocated bytes and received messages so far, or null without counters
async function readCounters() {
  if (!countersUrl) return null;
  const response = await fetch(countersUrl);
  // A build from before the counters existed (an A/B run against an old jar): no figure
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${countersUrl} answered ${response.status}`);
  const body = (await response.text()).trim();
  const values = Object.fromEntries(body.split(" ").map(pair => pair.split("=")));
  const counters = { allocated: Number(values.allocated_bytes), received: Number(values.received) };
  if (Number.isNaN(counters.allocated) || Number.isNaN(counters.received)) throw new Error(`${countersUrl} answered '${body}'`);
  return counters;
}

async function finish(from, total) {
  stopped = true;
  const count = total - from.total;
  const seconds = (performance.now() - from.at) / 1000;
  const server = serverPid > 0 ? cpu(serverPid) : null;
  const serverCpu = server ? (server.total - from.server.total) / clockTicks : NaN;
  const serverSystemCpu = server ? (server.system - from.server.system) / clockTicks : NaN;
  const redisCpu = redisPid > 0 ? (cpuTicks(redisPid) - from.redisTicks) / clockTicks : NaN;
  const clientUsage = process.cpuUsage(from.client);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
  const [start, end] = [await from.counters, await readCounters()];
  // Counted by the server; in the one room each is delivered to all the clients
  const allocated = start && end ? end.allocated - start.allocated : NaN;
  const received = start && end ? end.received - start.received : 0;
  const counted = !Number.isNaN(allocated) && received > 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid] : Math.floor((sorted[mid - 1] + sorted[mid]) / 2);
  const na = value => (serverPid > 0 ? value : "NA");
  console.log(
    `RESULT server=${label} clients=${clients} median_msgs_per_s=${median} mean_msgs_per_s=${(count / seconds).toFixed(0)} ` +
      `delivered=${count} seconds=${seconds.toFixed(2)} rounds=${rounds} server_cpu_s=${na(serverCpu.toFixed(2))} ` +
      `server_cpu_pct=${na(((100 * serverCpu) / seconds).toFixed(1))} ` +
      `cpu_s_per_million=${na((count > 0 ? serverCpu / (count / 1e6) : 0).toFixed(4))} ` +
      `system_cpu_s_per_million=${na((count > 0 ? serverSystemCpu / (count / 1e6) : 0).toFixed(4))} ` +
      `client_cpu_s=${clientCpu.toFixed(2)} idle_seconds=${samples.filter(s => s === 0).length} ` +
      `redis_cpu_s=${redisPid > 0 ? redisCpu.toFixed(2) : "NA"} ` +
      `redis_cpu_s_per_million=${redisPid > 0 ? (count > 0 ? redisCpu / (count / 1e6) : 0).toFixed(4) : "NA"} ` +
      `server_alloc_mb=${counted ? (allocated / 1e6).toFixed(1) : "NA"} ` +
      `server_received=${counted ? received : "NA"} ` +
      `alloc_bytes_per_inbound=${counted ? (allocated / received).toFixed(1) : "NA"} ` +
      `alloc_bytes_per_delivered=${counted ? (allocated / (received * clients)).toFixed(2) : "NA"}`,
  );
  for (const ws of sockets) ws.close();
  process.exit(0);
}
