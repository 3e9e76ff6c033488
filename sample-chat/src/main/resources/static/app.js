// The chat page: one connection to /ws through the starter's browser client (/ws-pubsub/client.js),
// speaking the protocol in sample-chat/README.md. The client reconnects, refreshes the token and
// queues what is sent while it is away; this page rejoins its rooms from where it left off.
// Everything users type is put on the page with textContent, never as HTML.

import { connect } from '/ws-pubsub/client.js';

const $ = (selector) => document.querySelector(selector);

const TYPING_IDLE_MS = 2000;

const state = {
  username: '',
  userId: '',
  status: 'online',
  rooms: [],
  joined: new Set(),          // rooms to be in, also across reconnects
  active: null,               // { kind: 'room' | 'dm', id }
  conversations: new Map(),   // 'room:general' | 'dm:<userId>' -> entries
  unread: new Map(),
  users: new Map(),           // userId -> { userId, username, status, lastSeen }
  typing: new Map(),          // room -> Set of usernames
  joining: null,              // the room the user asked to join: it becomes the conversation
};

let client = null;
let typingIn = null;          // the room this page told the server it is typing in
let typingTimer = 0;

// ---- kept for the tab (sessionStorage): a reload keeps the name, rooms and messages ----

const SAVED = 'ws-pubsub-chat';
const SAVED_PER_CONVERSATION = 100;
let saved = null;             // what a reload found: { positions } is read by the first rejoin

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(SAVED));
  }
  catch {
    return null;
  }
}

// After the message being handled: the client records its position once the listeners ran.
let persistQueued = false;
function persist() {
  if (persistQueued || !client) {
    return;
  }
  persistQueued = true;
  queueMicrotask(() => {
    persistQueued = false;
    const positions = {};
    for (const room of state.joined) {
      const position = client.position(room) ?? saved?.positions?.[room];
      if (position) {
        positions[room] = position;
      }
    }
    const conversations = [...state.conversations].map(([key, entries]) =>
      [key, entries.filter((entry) => !entry.error).slice(-SAVED_PER_CONVERSATION)]);
    try {
      sessionStorage.setItem(SAVED, JSON.stringify({
        username: state.username, status: state.status, joined: [...state.joined], active: state.active,
        positions, conversations, unread: [...state.unread],
      }));
    }
    catch { /* storage full or off: a reload starts afresh */ }
  });
}

// ---- connection ----

// The server says whether to log in with a token (the JWT mode) and how often it pings.
async function start() {
  const config = await (await fetch('/api/config')).json();
  const options = {
    reconnect: { baseMs: 500, maxMs: 30000 },
    queue: { max: 100, maxAgeMs: 60000 },
    // The server pings every heartbeatInterval: silence for two of them means the connection is dead.
    deadAfterMs: 2 * config.heartbeatInterval + config.heartbeatTimeout,
  };
  if (config.jwt) {
    options.getToken = fetchToken;
  }
  client = connect(config.jwt ? '/ws' : `/ws?username=${encodeURIComponent(state.username)}`, options);
  window.chatClient = client; // read by the browser tests
  client.on('state', (connection, why) => {
    if (connection === 'open') {
      setConnection('connected', 'Connected');
    }
    else if (connection === 'closed') {
      setConnection('closed', `Disconnected: ${why?.reason ?? 'closed'}`);
    }
    else {
      setConnection(connection === 'connecting' ? 'connecting' : 'disconnected', 'Connecting…');
    }
  });
  client.on('reconnect', ({ delayMs }) => {
    setConnection('disconnected', `Reconnecting in ${Math.ceil(delayMs / 1000)}s…`);
  });
  client.on('close', () => {
    typingIn = null;
    state.typing.clear();
    renderTyping();
  });
  // Before anything queued goes out: the status, then each room from the last message this page
  // saw there. The server answers with exactly what was missed, or with the latest messages when
  // it cannot (recovered: false).
  client.on('open', () => {
    if (state.status !== 'online') {
      send({ type: 'status_change', status: state.status });
    }
    for (const room of state.joined) {
      send({ type: 'join_room', room, since: client.position(room) ?? saved?.positions?.[room] });
    }
    // What was queued went out right after these listeners: direct messages are not echoed, so
    // theirs are shown as sent now.
    queueMicrotask(() => {
      for (const [key, entries] of state.conversations) {
        if (key.startsWith('dm:') && entries.some((entry) => entry.pending)) {
          entries.forEach((entry) => { delete entry.pending; });
          if (key === activeKey()) {
            renderMessages();
          }
        }
      }
    });
  });
  // A queued message that could not go out after all (too old, queue closed): say so where it was shown.
  client.on('drop', ({ message }) => {
    const target = message?.type === 'chat' ? `room:${message.room}`
      : message?.type === 'direct_message' ? `dm:${message.targetUserId}` : null;
    const text = message?.text ?? message?.content;
    const entry = target && state.conversations.get(target)?.find((e) => e.pending && e.text === text);
    if (entry) {
      delete entry.pending;
      entry.failed = true;
      if (target === activeKey()) {
        renderMessages();
      }
    }
  });
  client.on('*', persist);
  for (const [type, handler] of Object.entries(handlers)) {
    client.on(type, handler);
  }
}

async function fetchToken() {
  const response = await fetch('/api/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: state.username }),
  });
  if (!response.ok) {
    throw new Error(`No token: ${response.status}`);
  }
  return response.json();   // { token, expiresIn }
}

// Sent now, or queued until the connection is back.
function send(message) {
  return client.send(message);
}

// Join or leave with a request: an error (a bad name, too many rooms) comes back as its answer.
async function request(message) {
  try {
    await client.request(message, { timeout: 10000 });
    return true;
  }
  catch {
    return false; // the error reply is shown by handlers.error
  }
}

// ---- what the server says ----

const handlers = {
  welcome(msg) {
    state.userId = msg.clientId;
    state.rooms = msg.availableRooms;
    state.users.clear();
    renderRooms();
  },
  presence_list(msg) {
    state.users = new Map(msg.users.map((user) => [user.userId, user]));
    renderUsers();
  },
  user_online(msg) {
    state.users.set(msg.user.userId, msg.user);
    renderUsers();
  },
  user_offline(msg) {
    state.users.delete(msg.userId);
    renderUsers();
  },
  status_changed(msg) {
    const user = state.users.get(msg.userId);
    if (user) {
      user.status = msg.status;
      renderUsers();
    }
  },
  room_joined(msg) {
    state.joined.add(msg.room);
    const key = `room:${msg.room}`;
    if (msg.recovered) {
      // Exactly what was said since this page's last message: added after what it shows.
      if (!state.conversations.has(key)) {
        state.conversations.set(key, []);
      }
      const shown = state.conversations.get(key);
      const before = shown.length;
      for (const line of msg.history) {
        if (remember(msg.room, line)) {
          shown.push({ ...line });
        }
      }
      if (shown.length > before && key !== activeKey()) {
        state.unread.set(key, (state.unread.get(key) ?? 0) + shown.length - before);
      }
    }
    else {
      // A rejoin that could not resume (the server lost the room's history, or the page was away too
      // long): what was said meanwhile cannot be shown, and the page says so rather than look complete.
      const rejoin = (state.conversations.get(key) ?? []).some((entry) => !entry.system);
      if (msg.historyAvailable !== false) {
        // Not resumable (a first join, or too long away): the latest messages replace what this page had.
        // Unless the server could not read them (an outage): then the page keeps what it has.
        const pending = (state.conversations.get(key) ?? []).filter((entry) => entry.pending);
        state.conversations.set(key, [...msg.history.map((line) => ({ ...line })), ...pending]);
      }
      if (rejoin) {
        // Once, where the gap is: before the latest messages, or after what the page kept.
        const entries = state.conversations.get(key).filter((entry) => !entry.notice);
        if (msg.historyAvailable !== false) {
          entries.unshift({ system: 'Earlier messages are not available: the server no longer has them.', notice: true,
            timestamp: Date.now() });
        }
        else {
          entries.push({ system: 'Messages sent while you were away are not available.', notice: true,
            timestamp: Date.now() });
        }
        state.conversations.set(key, entries);
      }
    }
    if (!state.active || (state.active.kind === 'room' && !state.joined.has(state.active.id))
        || state.joining === msg.room) {
      // The room the user just joined becomes the conversation, even with a direct message open:
      // the next message is meant for it.
      state.joining = null;
      select({ kind: 'room', id: msg.room });
    }
    renderRooms();
    if (isActive('room', msg.room)) {
      renderMessages();
    }
  },
  user_joined(msg) {
    addEntry(`room:${msg.room}`, { system: `${msg.username} joined`, timestamp: msg.timestamp });
  },
  user_left(msg) {
    typingOf(msg.room).delete(msg.username);
    renderTyping();
    addEntry(`room:${msg.room}`, { system: `${msg.username} left`, timestamp: msg.timestamp });
  },
  chat(msg) {
    typingOf(msg.room).delete(msg.username);
    renderTyping();
    if (remember(msg.room, msg)) {
      if (msg.username === state.username) {
        removePending(`room:${msg.room}`, msg.text);
      }
      addEntry(`room:${msg.room}`, msg);
    }
  },
  typing(msg) {
    const typing = typingOf(msg.room);
    if (msg.isTyping) {
      typing.add(msg.username);
    }
    else {
      typing.delete(msg.username);
    }
    renderTyping();
  },
  direct_message(msg) {
    addEntry(`dm:${msg.fromUserId}`, { username: msg.fromUsername, text: msg.content, timestamp: msg.timestamp });
  },
  ping() {
    send({ type: 'pong' });
  },
  error(msg) {
    addEntry(activeKey(), { system: msg.error, error: true, timestamp: Date.now() });
  },
  // The servers could not repair a gap in the room (its history restarted, or no longer holds what this
  // page missed): join again without a position, and the latest messages replace what the page shows.
  room_reset(msg) {
    if (state.joined.has(msg.room)) {
      send({ type: 'join_room', room: msg.room });
    }
  },
  // The server lost the other servers (Redis), or has them back: say so once, keep chatting.
  cluster_status(msg) {
    setConnection(msg.available ? 'connected' : 'degraded', msg.available ? 'Connected' : 'This server only');
    addEntry(activeKey(), { system: msg.message, timestamp: Date.now() });
  },
};

function handle(msg) {
  const handler = handlers[msg.type];
  if (handler) {
    handler(msg);
  }
}

// ---- model helpers ----

// False when this page has shown a chat message already: the client's position of the room is that of
// the last message before the one being handled. A message without a position (sent while the server
// could not keep history) is always new.
function remember(room, msg) {
  if (msg.epoch === undefined) {
    return true;
  }
  const last = client.position(room);
  return !(last && last.epoch === msg.epoch && msg.offset <= last.offset);
}

function typingOf(room) {
  if (!state.typing.has(room)) {
    state.typing.set(room, new Set());
  }
  return state.typing.get(room);
}

// The copy shown while a message waited offline gives way to the server's.
function removePending(key, text) {
  const entries = state.conversations.get(key);
  const index = entries ? entries.findIndex((entry) => entry.pending && entry.text === text) : -1;
  if (index >= 0) {
    entries.splice(index, 1);
    if (key === activeKey()) {
      renderMessages();
    }
  }
}

function activeKey() {
  return state.active ? `${state.active.kind}:${state.active.id}` : '';
}

function isActive(kind, id) {
  return state.active?.kind === kind && state.active.id === id;
}

function addEntry(key, entry) {
  if (!key) {
    return;
  }
  if (!state.conversations.has(key)) {
    state.conversations.set(key, []);
  }
  state.conversations.get(key).push(entry);
  if (key === activeKey()) {
    appendMessage(entry);
  }
  else if (!entry.system) {
    state.unread.set(key, (state.unread.get(key) ?? 0) + 1);
    renderRooms();
    renderUsers();
  }
  persist();
}

function select(conversation) {
  stopTyping();
  state.active = conversation;
  state.unread.delete(activeKey());
  $('#sidebar').classList.remove('open');
  $('#menu-toggle').setAttribute('aria-expanded', 'false');
  renderRooms();
  renderUsers();
  renderMessages();
  renderTyping();
  setComposerEnabled(true);
  persist();
  if (conversation) {
    $('#message-input').focus();
  }
}

// ---- rendering: textContent only ----

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function button(label, className, onClick) {
  const node = el('button', className, label);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

function badge(key) {
  const count = state.unread.get(key);
  return count ? el('span', 'badge', String(count)) : null;
}

// On a phone the lists are behind the ☰ button: it shows how many unread messages they hold.
function renderUnreadTotal() {
  const total = [...state.unread.values()].reduce((sum, count) => sum + count, 0);
  const badgeElement = $('#menu-unread');
  badgeElement.textContent = String(total);
  badgeElement.hidden = total === 0;
  $('#menu-toggle').setAttribute('aria-label', total ? `Rooms and people, ${total} unread` : 'Rooms and people');
}

function renderRooms() {
  renderUnreadTotal();
  const list = $('#rooms');
  // The rooms the server offers, then any other this page joined.
  const rooms = [...new Set([...state.rooms, ...state.joined])];
  list.replaceChildren(...rooms.map((room) => {
    const joined = state.joined.has(room);
    const item = el('li', isActive('room', room) ? 'active' : '');
    item.dataset.room = room;
    const name = button(`# ${room}`, 'name', () => select({ kind: 'room', id: room }));
    name.disabled = !joined;
    item.append(name);
    const unread = badge(`room:${room}`);
    if (unread) {
      item.append(unread);
    }
    item.append(joined
      ? button('Leave', 'secondary', () => leave(room))
      : button('Join', 'secondary', () => joinRoom(room)));
    return item;
  }));
}

function renderUsers() {
  renderUnreadTotal();
  const users = [...state.users.values()].sort((a, b) => a.username.localeCompare(b.username));
  const named = new Map();
  users.forEach((user) => named.set(user.username, (named.get(user.username) ?? 0) + 1));
  // Two people of one name are told apart by the start of their ids.
  const label = (user) => named.get(user.username) > 1 ? `${user.username} #${user.userId.slice(0, 4)}` : user.username;
  $('#online-count').textContent = `(${users.length})`;
  $('#users').replaceChildren(...users.map((user) => {
    const me = user.userId === state.userId;
    const item = el('li', isActive('dm', user.userId) ? 'active' : '');
    item.dataset.userId = user.userId;
    item.append(el('span', `dot ${user.status}`));
    const name = button(me ? `${label(user)} (you)` : label(user), 'name',
      () => select({ kind: 'dm', id: user.userId }));
    name.disabled = me;
    name.title = me ? '' : `Message ${label(user)}`;
    item.append(name);
    const unread = badge(`dm:${user.userId}`);
    if (unread) {
      item.append(unread);
    }
    item.append(el('span', 'status', user.status));
    return item;
  }));
  if (state.active?.kind === 'dm') {
    renderTitle();
  }
}

function renderTitle() {
  const title = $('#conversation-title');
  const target = $('#composer-target');
  if (!state.active) {
    title.textContent = 'Join a room to start chatting';
    target.textContent = '';
  }
  else if (state.active.kind === 'room') {
    title.textContent = `# ${state.active.id}`;
    target.textContent = `To # ${state.active.id}`;
  }
  else {
    const user = state.users.get(state.active.id);
    title.textContent = user ? `Direct message with ${user.username}` : 'Direct message (user went offline)';
    target.textContent = user ? `To ${user.username} (direct message)` : 'Direct message (user went offline)';
  }
  // Where a message goes, said where it is written.
  $('#message-input').placeholder = target.textContent ? `Message ${target.textContent.slice(3)}…` : 'Write a message…';
}

function renderMessages() {
  renderTitle();
  const entries = state.conversations.get(activeKey()) ?? [];
  $('#messages').replaceChildren(...entries.map(messageElement));
  scrollToEnd();
}

function appendMessage(entry) {
  const list = $('#messages');
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(messageElement(entry));
  if (atEnd || entry.username === state.username) {
    scrollToEnd();
  }
}

function messageElement(entry) {
  if (entry.system) {
    return el('li', entry.error ? 'system error' : entry.notice ? 'system notice' : 'system', entry.system);
  }
  const item = el('li', `${entry.username === state.username ? 'message mine' : 'message'}${entry.pending ? ' pending' : ''}${entry.failed ? ' failed' : ''}`);
  const meta = el('div', 'meta');
  const time = el('time', '', new Date(entry.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = new Date(entry.timestamp).toISOString();
  meta.append(el('span', 'author', entry.username), time);
  if (entry.pending) {
    meta.append(el('span', 'state', 'waiting for the connection…'));
  }
  else if (entry.failed) {
    meta.append(el('span', 'state', 'not sent'));
  }
  item.append(meta, el('div', 'text', entry.text));
  return item;
}

function scrollToEnd() {
  const list = $('#messages');
  list.scrollTop = list.scrollHeight;
}

function renderTyping() {
  const names = state.active?.kind === 'room' ? [...typingOf(state.active.id)] : [];
  let text = '';
  if (names.length === 1) {
    text = `${names[0]} is typing…`;
  }
  else if (names.length === 2) {
    text = `${names[0]} and ${names[1]} are typing…`;
  }
  else if (names.length > 2) {
    text = 'Several people are typing…';
  }
  $('#typing').textContent = text;
}

function setConnection(kind, text) {
  const badgeElement = $('#connection');
  badgeElement.dataset.state = kind;
  badgeElement.textContent = text;
}

function setComposerEnabled(enabled) {
  const usable = enabled && state.active !== null;
  $('#message-input').disabled = !usable;
  $('#composer button').disabled = !usable;
}

// ---- what the user does ----

function leave(room) {
  request({ type: 'leave_room', room });
  state.joined.delete(room);
  client.forget(room);   // a later join starts from the latest messages, as a first one
  state.typing.delete(room);
  state.conversations.delete(`room:${room}`);
  if (saved?.positions) {
    delete saved.positions[room];
  }
  persist();
  if (isActive('room', room)) {
    const next = [...state.joined][0];
    select(next ? { kind: 'room', id: next } : null);
  }
  else {
    renderRooms();
  }
}

// A join the user asked for: its room_joined makes the room the conversation.
function joinRoom(room) {
  state.joining = room;
  return request({ type: 'join_room', room });
}

function sendMessage(text) {
  const active = state.active;
  // Offline, the client queues the message: it is shown at once, as waiting, until it is sent.
  const offline = client.state !== 'open';
  if (active.kind === 'room') {
    if (!send({ type: 'chat', room: active.id, text })) {
      return false;
    }
    if (offline) {
      addEntry(activeKey(), { username: state.username, text, timestamp: Date.now(), pending: true });
    }
    return true;
  }
  // Direct messages are not echoed by the server: show our own copy.
  if (send({ type: 'direct_message', targetUserId: active.id, content: text })) {
    addEntry(activeKey(), { username: state.username, text, timestamp: Date.now(), pending: offline || undefined });
    return true;
  }
  return false;
}

function typingChanged() {
  if (state.active?.kind !== 'room') {
    return;
  }
  const room = state.active.id;
  if (typingIn !== room) {
    stopTyping();
    typingIn = room;
    send({ type: 'typing', room, isTyping: true });
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingTimer);
  if (typingIn) {
    send({ type: 'typing', room: typingIn, isTyping: false });
    typingIn = null;
  }
}

function enter(name) {
  state.username = name;
  $('#me').textContent = name;
  $('#login').hidden = true;
  $('#app').hidden = false;
  renderTitle();
  start();
  persist();
}

$('#login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('#username').value.trim();
  const error = $('#login-error');
  if (!name) {
    // The input's own check passes spaces: say why nothing happens.
    error.textContent = 'Enter a name: spaces alone are not one.';
    error.hidden = false;
    $('#username').focus();
    return;
  }
  error.hidden = true;
  enter(name);
});

$('#username').addEventListener('input', () => {
  $('#login-error').hidden = true;
});

$('#composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#message-input');
  const text = input.value.trim();
  if (text && state.active) {
    stopTyping();
    if (sendMessage(text)) {
      input.value = '';
    }
  }
});

$('#room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#room-name');
  joinRoom(input.value.trim()).then((joined) => {
    if (joined) {
      input.value = '';
    }
  });
});

$('#message-input').addEventListener('input', (event) => {
  if (event.target.value) {
    typingChanged();
  }
  else {
    stopTyping();
  }
});

$('#status-select').addEventListener('change', (event) => {
  state.status = event.target.value;
  send({ type: 'status_change', status: state.status });
});

$('#menu-toggle').addEventListener('click', () => {
  const open = $('#sidebar').classList.toggle('open');
  $('#menu-toggle').setAttribute('aria-expanded', String(open));
});

// A reload of this tab: the same name, rooms and messages, and each room rejoined from where the
// page left it, so what was said meanwhile shows up.
saved = load();
if (saved?.username) {
  state.status = saved.status ?? 'online';
  $('#status-select').value = state.status;
  (saved.joined ?? []).forEach((room) => state.joined.add(room));
  state.conversations = new Map(saved.conversations ?? []);
  state.unread = new Map(saved.unread ?? []);
  state.active = saved.active ?? null;
  enter(saved.username);
  renderRooms();
  renderMessages();
  setComposerEnabled(true);
}
