// Bun's chat benchmark server, same protocol as the Java servers of this module:
// clients connect to /ws?name=NAME and join "room"; once CLIENTS_COUNT are in, the room
// gets "ready"; each text M from NAME goes to the whole room, sender included, as "NAME: M".
const port = Number(process.env.PORT || 4001);
const expected = parseInt(process.env.CLIENTS_COUNT || "", 10) || 16;
let connected = 0;

const server = Bun.serve({
  port,
  fetch(req, server) {
    const url = new URL(req.url);
    if (url.pathname === "/ws" && server.upgrade(req, { data: { name: url.searchParams.get("name") || "Client" } })) {
      return;
    }
    return new Response("Upgrade failed", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    publishToSelf: true,
    open(ws) {
      ws.subscribe("room");
      if (++connected === expected) {
        console.log(`All ${expected} clients connected`);
        // As Bun's own benchmark server: announce a moment after the last open
        setTimeout(() => server.publish("room", "ready"), 100);
      }
    },
    message(ws, message) {
      ws.publish("room", `${ws.data.name}: ${message}`);
    },
    close() {
      connected--;
    },
  },
});

console.log(`Bun chat server listening on ${server.port}`);
