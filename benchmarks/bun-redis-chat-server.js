// The Redis-scaled Bun chat server, the peer of ws-pubsub's Redis fan-out in run-cluster.sh:
// Bun's chat benchmark protocol (see bun-chat-server.js), with every message PUBLISHed on a
// Redis channel per room instead of published locally, and each node delivering to its own
// connections what its subscription receives, its own messages included. The npm `redis`
// client pipelines the commands issued in one tick of the event loop.
//
// Environment: PORT (default 4001), REDIS_URL (default redis://127.0.0.1:6379),
// CHANNEL_PREFIX (default "room:"). With REDIS_CLUSTER_NODES (host:port,...) instead, on a
// Redis Cluster with sharded pub/sub (SPUBLISH/SSUBSCRIBE to the master of the room's slot),
// as ws-pubsub runs there. No "ready" of its own (as CLIENTS_COUNT=0): the load client starts
// the run once its marker has crossed every node.
import { createClient, createCluster } from "redis";

const port = Number(process.env.PORT || 4001);
const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const prefix = process.env.CHANNEL_PREFIX || "room:";

const clusterNodes = (process.env.REDIS_CLUSTER_NODES || "").split(",").filter((node) => node);
const cluster = clusterNodes.length > 0;

// On a cluster one client serves both: it keeps a pub/sub connection per master of its own.
const publisher = cluster
  ? createCluster({ rootNodes: clusterNodes.map((node) => ({ url: `redis://${node}` })) })
  : createClient({ url });
const subscriber = cluster ? publisher : publisher.duplicate();
publisher.on("error", (error) => console.error("redis publisher:", error.message));
await publisher.connect();
if (!cluster) {
  subscriber.on("error", (error) => console.error("redis subscriber:", error.message));
  await subscriber.connect();
}
const publish = cluster
  ? (channel, message) => publisher.sPublish(channel, message)
  : (channel, message) => publisher.publish(channel, message);
const subscribe = cluster
  ? (channel, listener) => subscriber.sSubscribe(channel, listener)
  : (channel, listener) => subscriber.subscribe(channel, listener);

// Rooms this node has subscribed (or is subscribing) to in Redis.
const subscribed = new Map();

function subscribeRoom(room) {
  if (!subscribed.has(room)) {
    subscribed.set(room, subscribe(prefix + room, (message) => server.publish(room, message)));
  }
  return subscribed.get(room);
}

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
    async open(ws) {
      ws.subscribe(ws.data.room);
      await subscribeRoom(ws.data.room);
    },
    message(ws, message) {
      publish(prefix + ws.data.room, `${ws.data.name}: ${message}`)
        .catch((error) => console.error("publish failed:", error.message));
    },
  },
});

console.log(`Bun Redis chat server listening on ${server.port}, Redis ${cluster ? clusterNodes.join(",") : url}`);
