// Live dashboard: WebSocket through the starter's browser client, which reconnects by itself,
// or Server-Sent Events, whose failed starts wait the client's backoff.
import { connect as connectClient, backoffDelay } from '/ws-pubsub/client.js';

const BACKOFF = { baseMs: 500, maxMs: 30000 };
const MAX_POINTS = 100;
const $ = (id) => document.getElementById(id);

const lineChart = (canvas, datasets) => new Chart(canvas, {
  type: 'line',
  data: { labels: [], datasets: datasets.map(([label, color, extra]) => ({ label, data: [], borderColor: color, pointRadius: 0, tension: 0.2, ...extra })) },
  options: { animation: false, responsive: true, scales: { x: { ticks: { maxTicksLimit: 6, color: '#64748b' } }, y: { beginAtZero: true, ticks: { color: '#64748b' } } }, plugins: { legend: { labels: { color: '#cbd5e1' } } } },
});
const gauge = (canvas, color) => new Chart(canvas, {
  type: 'doughnut',
  data: { datasets: [{ data: [0, 100], backgroundColor: [color, '#1f2937'], borderWidth: 0 }] },
  options: { animation: false, circumference: 270, rotation: -135, cutout: '75%', plugins: { tooltip: { enabled: false } } },
});

const charts = {
  usage: lineChart($('usage-chart'), [['CPU', '#38bdf8'], ['Memory', '#a78bfa']]),
  // p99 is drawn on top (lowest order) and dashed: equal to p95, as it often is with few
  // requests, both lines stay visible.
  latency: lineChart($('latency-chart'), [['p50', '#34d399'], ['p95', '#fbbf24'], ['p99', '#f87171', { order: -1, borderDash: [6, 4] }]]),
  traffic: lineChart($('traffic-chart'), [['Requests', '#60a5fa'], ['Errors', '#f43f5e']]),
  cpu: gauge($('cpu-gauge'), '#38bdf8'),
  memory: gauge($('memory-gauge'), '#a78bfa'),
};
window.dashboardCharts = charts; // read by the browser test

const alerts = new Map();

function push(chart, label, values) {
  chart.data.labels.push(label);
  values.forEach((v, i) => chart.data.datasets[i].data.push(v));
  if (chart.data.labels.length > MAX_POINTS) {
    chart.data.labels.shift();
    chart.data.datasets.forEach((d) => d.data.shift());
  }
}

function showMetrics(m, redraw = true) {
  const label = new Date(m.timestamp).toLocaleTimeString();
  push(charts.usage, label, [m.cpu, m.memory]);
  push(charts.latency, label, [m.latencyP50, m.latencyP95, m.latencyP99]);
  push(charts.traffic, label, [m.requests, m.errors]);
  charts.cpu.data.datasets[0].data = [m.cpu, Math.max(0, 100 - m.cpu)];
  charts.memory.data.datasets[0].data = [m.memory, Math.max(0, 100 - m.memory)];
  $('cpu-value').textContent = `${m.cpu.toFixed(1)} %`;
  $('memory-value').textContent = `${m.memory.toFixed(1)} %`;
  $('disk-value').textContent = `${m.disk.toFixed(1)} %`;
  $('net-in-value').textContent = bytes(m.network.in);
  $('net-out-value').textContent = bytes(m.network.out);
  $('requests-value').textContent = m.requests.toFixed(1);
  $('errors-value').textContent = m.errors.toFixed(1);
  $('updated-value').textContent = label;
  if (redraw) Object.values(charts).forEach((c) => c.update());
}

const bytes = (n) => n > 1e6 ? `${(n / 1e6).toFixed(1)} MB/s` : n > 1e3 ? `${(n / 1e3).toFixed(1)} kB/s` : `${n.toFixed(0)} B/s`;

function showAlert(alert) {
  alerts.set(alert.metric, alert);
  renderAlerts();
}

function renderAlerts() {
  const list = $('alerts');
  list.replaceChildren();
  if (alerts.size === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = 'No active alerts';
    list.append(li);
    return;
  }
  for (const a of alerts.values()) {
    const li = document.createElement('li');
    li.className = a.type;
    li.dataset.metric = a.metric;
    li.textContent = `${a.type.toUpperCase()} · ${a.message} · ${new Date(a.timestamp).toLocaleTimeString()}`;
    list.append(li);
  }
}

function setStatus(state) {
  const el = $('status');
  el.className = `status ${state}`;
  el.dataset.state = state;
  el.textContent = `${$('transport').value === 'sse' ? 'SSE' : 'WebSocket'} ${state}`;
}

function resetCharts() {
  for (const c of [charts.usage, charts.latency, charts.traffic]) {
    c.data.labels = [];
    c.data.datasets.forEach((d) => { d.data = []; });
  }
}

// Alerts of the SSE view come from the REST API, polled with each update.
async function refreshAlerts() {
  try {
    const active = await (await fetch('/api/alerts')).json();
    alerts.clear();
    active.forEach((a) => alerts.set(a.metric, a));
    renderAlerts();
  } catch { /* next update retries */ }
}

let connection = null;
let attempt = 0;
let retryTimer = null;
let updates = 0;

function scheduleReconnect() {
  retryTimer = setTimeout(connect, backoffDelay(attempt++, BACKOFF));
}

function connect() {
  clearTimeout(retryTimer);
  if (connection) connection.close();
  setStatus('connecting');
  $('transport').value === 'sse' ? connectSse() : connectWebSocket();
}

function connectWebSocket() {
  const client = connectClient('/ws', { reconnect: BACKOFF });
  connection = client;
  client.on('state', (state) => setStatus(state === 'reconnecting' ? 'closed' : state));
  client.on('initial_state', (msg) => {
    resetCharts();
    msg.history.forEach((m) => showMetrics(m, false)); // the newest samples, bare metrics, newest last
    alerts.clear();
    msg.alerts.forEach((a) => alerts.set(a.metric, a));
    renderAlerts();
    Object.values(charts).forEach((c) => c.update());
  });
  client.on('metrics_update', (msg) => {
    showMetrics(msg.data);
    if (++updates % 5 === 0) refreshAlerts(); // cleared alerts leave the panel
  });
  client.on('alert', (msg) => showAlert(msg.data));
}

// The SSE view starts from the history and streams from right after its newest sample;
// EventSource resumes by itself after a drop (Last-Event-ID), and a reset (what was missed
// is gone) loads the history again.
let lastPosition = null; // `epoch:offset` of the newest sample shown over SSE

async function loadHistory() {
  const response = await fetch('/api/metrics/history');
  const history = await response.json(); // bare metrics, newest last
  resetCharts();
  history.forEach((m) => showMetrics(m, false));
  Object.values(charts).forEach((c) => c.update());
  return response.headers.get('X-Stream-Position') || ''; // the newest one's position
}

function connectSse() {
  let source = null;
  let closed = false;
  connection = { close: () => { closed = true; if (source) source.close(); } };
  const open = async () => {
    if (lastPosition === null) {
      try {
        lastPosition = await loadHistory();
      } catch {
        if (!closed) { setStatus('closed'); scheduleReconnect(); }
        return;
      }
    }
    if (closed) return;
    // Only the first request uses the query; EventSource's reconnects send the newer header.
    source = new EventSource(`/events/metrics${lastPosition ? `?lastEventId=${encodeURIComponent(lastPosition)}` : ''}`);
    source.onopen = () => { attempt = 0; setStatus('open'); };
    source.onmessage = (event) => {
      lastPosition = event.lastEventId || lastPosition;
      showMetrics(JSON.parse(event.data)); // bare metrics; the position is the event id
      refreshAlerts();
    };
    source.addEventListener('reset', () => { source.close(); lastPosition = null; open(); });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { setStatus('closed'); scheduleReconnect(); }
      else setStatus('connecting'); // EventSource retries by itself
    };
  };
  open();
}

$('transport').addEventListener('change', () => { attempt = 0; lastPosition = null; resetCharts(); connect(); });
connect();
