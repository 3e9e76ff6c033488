// Bun's chat benchmark server, same protocol as the Java servers of this module:
// clients connect to /ws?name=NAME and join "room"; once CLIENTS_COUNT are in, the room
// gets "ready"; each text M from NAME goes to the whole room, sender included, as "NAME: M".
// With ?room=R a client joins room R instead (the many-rooms benchmark), and "ready" goes to
// every room. CLIENTS_COUNT=0 sends no "ready", as the Java server.
const port = Number(process.env.PORT || 4001);
const parsed = parseInt(process.env.CLIENTS_COUNT || "", 10);
const expected = Number.isNaN(parsed) ? 16 : parsed;
const rooms = new Set();
let connected = 0;

const server = Bun.serve({
  port,
  fetch(req, server) {
    const url = new URL(req.url);
    if (url.pathname === "/ws" && server.upgrade(req, {
        data: { name: url.searchParams.get("name") || "Client", room: url.searchParams.get("room") || "room" },
      })) {
      return;
    }
    return new Response("Upgrade failed", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    publishToSelf: true,
    open(ws) {
      ws.subscribe(ws.data.room);
      rooms.add(ws.data.room);
      if (++connected === expected && expected > 0) {
        console.log(`All ${expected} clients connected in ${rooms.size} rooms`);
        // As Bun's own benchmark server: announce a moment after the last open
        setTimeout(() => rooms.forEach(room => server.publish(room, "ready")), 100);
      }
    },
    message(ws, message) {
      ws.publish(ws.data.room, `${ws.data.name}: ${message}`);
    },
    close() {
      connected--;
    },
  },
});

console.log(`Bun chat server listening on ${server.port}`);
