// Spring's STOMP greeting page, on @stomp/stompjs: nothing here knows the server is WebFlux.
const stompClient = new StompJs.Client({
  brokerURL: (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/gs-guide-websocket',
  reconnectDelay: 2000,
});

const byId = (id) => document.getElementById(id);

stompClient.onConnect = () => {
  setConnected(true);
  stompClient.subscribe('/topic/greetings', (message) => show('greetings', JSON.parse(message.body).content));
  stompClient.subscribe('/user/queue/whispers', (message) => show('whispers', JSON.parse(message.body).content));
};

stompClient.onWebSocketError = (error) => console.error('WebSocket error', error);

stompClient.onStompError = (frame) => {
  console.error('Broker reported error: ' + frame.headers['message']);
  console.error('Additional details: ' + frame.body);
};

function setConnected(connected) {
  byId('connect').disabled = connected;
  byId('disconnect').disabled = !connected;
  byId('send').disabled = !connected;
  byId('whisper').disabled = !connected;
  byId('status').textContent = connected ? 'connected' : 'disconnected';
  if (!connected) {
    byId('greetings').replaceChildren();
    byId('whispers').replaceChildren();
  }
}

function show(table, text) {
  const cell = document.createElement('td');
  cell.textContent = text;
  const row = document.createElement('tr');
  row.appendChild(cell);
  byId(table).appendChild(row);
}

function send(destination) {
  stompClient.publish({ destination, body: JSON.stringify({ name: byId('name').value }) });
}

byId('connect').addEventListener('click', () => stompClient.activate());
byId('disconnect').addEventListener('click', () => {
  stompClient.deactivate();
  setConnected(false);
});
byId('hello').addEventListener('submit', (event) => {
  event.preventDefault();
  send('/app/hello');
});
byId('whisper').addEventListener('click', () => send('/app/whisper'));
