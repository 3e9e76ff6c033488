package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of ws-pubsub, under {@code ws-pubsub.*}; the one class bound to that
 * prefix. Defaults are Bun's. Each {@code @WsEndpoint} may override the connection
 * settings for its own path. Security settings sit here too: origins, connection caps,
 * the handshake timeout, message rate limits, and under {@code ws-pubsub.security.*}
 * authentication and topic rules. Plain data: values derived from it, such as the node
 * id, are beans of their own.
 */
@ConfigurationProperties("ws-pubsub")
public class WsPubSubProperties {

	/**
	 * Whether ws-pubsub is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Largest message a client may send; a larger one closes the connection with 1009.
	 */
	private DataSize maxPayloadLength = DataSize.ofMegabytes(16);

	/**
	 * How long a connection may go without receiving a frame before it is closed. Zero
	 * disables the timeout.
	 */
	private Duration idleTimeout = Duration.ofSeconds(120);

	/**
	 * Whether the server pings quiet connections half-way through the idle timeout, so
	 * live clients stay open.
	 */
	private boolean sendPings = true;

	/**
	 * Bytes buffered for one connection above which sends answer -1 (backpressure).
	 */
	private DataSize backpressureLimit = DataSize.ofMegabytes(1);

	/**
	 * Whether to close a connection instead of buffering past the backpressure limit.
	 */
	private boolean closeOnBackpressureLimit = false;

	/**
	 * Whether a connection's own publish reaches that connection when it is subscribed.
	 */
	private boolean publishToSelf = false;

	/**
	 * Number of event-loop (I/O) threads the Reactor Netty server runs on. Ignored when
	 * the JVM system property reactor.netty.ioWorkerCount is set.
	 */
	private int ioThreads = Runtime.getRuntime().availableProcessors();

	private final PerMessageDeflate perMessageDeflate = new PerMessageDeflate();

	private final Blocking blocking = new Blocking();

	private final Fanout fanout = new Fanout();

	private final Sse sse = new Sse();

	private final Client client = new Client();

	private final History history = new History();

	private final Shutdown shutdown = new Shutdown();

	/**
	 * Origins, or patterns such as https://*.example.com, whose pages may open WebSockets
	 * besides the server's own origin; '*' allows any. Requests without an Origin header
	 * (not browsers) are always allowed.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Most WebSocket connections (upgrades in progress included) this node accepts; more
	 * get 503. Zero means no cap.
	 */
	private int maxConnections = 0;

	/**
	 * Most WebSocket connections from one client address; more get 429. Zero means no
	 * cap.
	 */
	private int maxConnectionsPerIp = 0;

	/**
	 * Most WebSocket upgrades one client address may start a second, with bursts of as
	 * many; more get 429 before any handler runs. Zero means no limit.
	 */
	private int maxUpgradesPerIpPerSecond = 0;

	/**
	 * How long a client may take to send a request's headers before the connection is
	 * dropped. Server-wide: it applies to every HTTP/1.1 request of the application, not
	 * only WebSocket upgrades, since the path is known only once the headers are. Zero
	 * disables it.
	 */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	/**
	 * Most topics one connection (or SSE stream) may hold at once; a subscribe past it is
	 * refused with an error reply. Zero means no limit.
	 */
	private int maxTopicsPerConnection = 1000;

	/**
	 * Most characters in a topic name a client subscribes or publishes to; a longer one
	 * is refused with an error reply. Zero means no limit.
	 */
	private int maxTopicLength = 256;

	private final RateLimit rateLimit = new RateLimit();

	private final Security security = new Security();

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getMaxPayloadLength() {
		return this.maxPayloadLength;
	}

	public void setMaxPayloadLength(DataSize maxPayloadLength) {
		this.maxPayloadLength = maxPayloadLength;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public boolean isSendPings() {
		return this.sendPings;
	}

	public void setSendPings(boolean sendPings) {
		this.sendPings = sendPings;
	}

	public DataSize getBackpressureLimit() {
		return this.backpressureLimit;
	}

	public void setBackpressureLimit(DataSize backpressureLimit) {
		this.backpressureLimit = backpressureLimit;
	}

	public boolean isCloseOnBackpressureLimit() {
		return this.closeOnBackpressureLimit;
	}

	public void setCloseOnBackpressureLimit(boolean closeOnBackpressureLimit) {
		this.closeOnBackpressureLimit = closeOnBackpressureLimit;
	}

	public boolean isPublishToSelf() {
		return this.publishToSelf;
	}

	public void setPublishToSelf(boolean publishToSelf) {
		this.publishToSelf = publishToSelf;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public PerMessageDeflate getPerMessageDeflate() {
		return this.perMessageDeflate;
	}

	public Blocking getBlocking() {
		return this.blocking;
	}

	public Fanout getFanout() {
		return this.fanout;
	}

	public History getHistory() {
		return this.history;
	}

	public Sse getSse() {
		return this.sse;
	}

	public Client getClient() {
		return this.client;
	}

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public int getMaxConnectionsPerIp() {
		return this.maxConnectionsPerIp;
	}

	public void setMaxConnectionsPerIp(int maxConnectionsPerIp) {
		this.maxConnectionsPerIp = maxConnectionsPerIp;
	}

	public int getMaxUpgradesPerIpPerSecond() {
		return this.maxUpgradesPerIpPerSecond;
	}

	public void setMaxUpgradesPerIpPerSecond(int maxUpgradesPerIpPerSecond) {
		this.maxUpgradesPerIpPerSecond = maxUpgradesPerIpPerSecond;
	}

	public int getMaxTopicsPerConnection() {
		return this.maxTopicsPerConnection;
	}

	public void setMaxTopicsPerConnection(int maxTopicsPerConnection) {
		this.maxTopicsPerConnection = maxTopicsPerConnection;
	}

	public int getMaxTopicLength() {
		return this.maxTopicLength;
	}

	public void setMaxTopicLength(int maxTopicLength) {
		this.maxTopicLength = maxTopicLength;
	}

	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public RateLimit getRateLimit() {
		return this.rateLimit;
	}

	public Security getSecurity() {
		return this.security;
	}

	/**
	 * permessage-deflate (RFC 7692), negotiated with clients that offer it.
	 */
	public static class PerMessageDeflate {

		/**
		 * Whether the permessage-deflate extension is offered to clients.
		 */
		private boolean enabled = false;

		/**
		 * Whether the server resets its compression context after each message, trading
		 * ratio for memory (Bun's "dedicated" versus "shared").
		 */
		private boolean serverNoContextTakeover = false;

		/**
		 * Whether clients are asked to reset their compression context after each
		 * message.
		 */
		private boolean clientNoContextTakeover = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isServerNoContextTakeover() {
			return this.serverNoContextTakeover;
		}

		public void setServerNoContextTakeover(boolean serverNoContextTakeover) {
			this.serverNoContextTakeover = serverNoContextTakeover;
		}

		public boolean isClientNoContextTakeover() {
			return this.clientNoContextTakeover;
		}

		public void setClientNoContextTakeover(boolean clientNoContextTakeover) {
			this.clientNoContextTakeover = clientNoContextTakeover;
		}

	}

	/**
	 * The bounded pool that runs {@code @OnMessage(blocking = true)} handlers.
	 */
	public static class Blocking {

		/**
		 * Most threads the pool starts.
		 */
		private int maxThreads = 10 * Runtime.getRuntime().availableProcessors();

		/**
		 * Most handler calls that may wait behind each thread; past it, the client gets
		 * an error reply.
		 */
		private int queueCapacity = 100_000;

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

	/**
	 * How publishes reach the other nodes of a cluster.
	 */
	public static class Fanout {

		private final Redis redis = new Redis();

		public Redis getRedis() {
			return this.redis;
		}

	}

	/**
	 * Redis fan-out; the connection itself comes from {@code spring.data.redis.*}.
	 */
	public static class Redis {

		/**
		 * Whether topics span every node that shares the Redis server, through Redis
		 * pub/sub.
		 */
		private boolean enabled = false;

		/**
		 * Prefix of the Redis channel of each topic and of the presence keys.
		 */
		private String channelPrefix = "ws-pubsub:";

		/**
		 * Id of this node, unique in the cluster; a random one per start when not set.
		 */
		private @Nullable String nodeId;

		/**
		 * Most publishes held for other nodes while Redis is unreachable; further ones
		 * are dropped and counted.
		 */
		private int publishBuffer = 10_000;

		/**
		 * How often the link to Redis is checked end to end; it is reported down after
		 * three intervals (two seconds at least) without an answer.
		 */
		private Duration probeInterval = Duration.ofSeconds(1);

		/**
		 * How long a node's presence entries outlive its last heartbeat, e.g. after a
		 * crash.
		 */
		private Duration presenceTtl = Duration.ofSeconds(30);

		/**
		 * Longest wait between two reconnection attempts of the Lettuce client Spring
		 * Boot creates.
		 */
		private Duration maxReconnectDelay = Duration.ofSeconds(5);

		/**
		 * Longest wait for a presence command or a history read in Redis; past it
		 * presence answers from this node and a resubscribe as unrecoverable.
		 */
		private Duration commandTimeout = Duration.ofSeconds(1);

		/**
		 * Longest wait at start for the first connection to Redis, before the web server
		 * takes connections: a node is ready once its publications reach the other nodes
		 * and carry their positions. Past it the node starts anyway, serving its own
		 * clients, and joins the others when Redis answers.
		 */
		private Duration startupWait = Duration.ofSeconds(2);

		/**
		 * Whether publications of one topic without history that are queued together go
		 * to Redis as one publish. Nodes of versions before batching drop such publishes:
		 * turn it off while upgrading from one.
		 */
		private boolean batchPublishes = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getChannelPrefix() {
			return this.channelPrefix;
		}

		public void setChannelPrefix(String channelPrefix) {
			this.channelPrefix = channelPrefix;
		}

		public @Nullable String getNodeId() {
			return this.nodeId;
		}

		public void setNodeId(@Nullable String nodeId) {
			this.nodeId = nodeId;
		}

		public boolean isBatchPublishes() {
			return this.batchPublishes;
		}

		public void setBatchPublishes(boolean batchPublishes) {
			this.batchPublishes = batchPublishes;
		}

		public int getPublishBuffer() {
			return this.publishBuffer;
		}

		public void setPublishBuffer(int publishBuffer) {
			this.publishBuffer = publishBuffer;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

		public Duration getPresenceTtl() {
			return this.presenceTtl;
		}

		public void setPresenceTtl(Duration presenceTtl) {
			this.presenceTtl = presenceTtl;
		}

		public Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = maxReconnectDelay;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public Duration getStartupWait() {
			return this.startupWait;
		}

		public void setStartupWait(Duration startupWait) {
			this.startupWait = startupWait;
		}

	}

	/**
	 * The Server-Sent Events bridge: GET {path}/{topic} streams a topic as
	 * text/event-stream.
	 */
	public static class Sse {

		/**
		 * Whether topics can be streamed as Server-Sent Events.
		 */
		private boolean enabled = false;

		/**
		 * Path prefix of the event streams; a topic is streamed at this path followed by
		 * /{topic}.
		 */
		private String path = "/sse";

		/**
		 * Interval between heartbeat comments that keep idle streams and proxies open.
		 */
		private Duration heartbeat = Duration.ofSeconds(15);

		/**
		 * Reconnection delay sent to clients in the retry field.
		 */
		private Duration retry = Duration.ofSeconds(5);

		/**
		 * Most events held for one slow client; further events are dropped for that
		 * client, or, on a topic with history, its stream ends so that it resumes from
		 * its last event.
		 */
		private int bufferSize = 256;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(Duration heartbeat) {
			this.heartbeat = heartbeat;
		}

		public Duration getRetry() {
			return this.retry;
		}

		public void setRetry(Duration retry) {
			this.retry = retry;
		}

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

	}

	/**
	 * Per-topic history: which topics keep their newest publications, with a position
	 * each, so a client that reconnects can get what it missed.
	 */
	public static class History {

		/**
		 * Topics that keep a history, first matching rule wins; topics that match none
		 * keep none and cost nothing extra.
		 */
		private List<HistoryTopic> topics = new ArrayList<>();

		public List<HistoryTopic> getTopics() {
			return this.topics;
		}

		public void setTopics(List<HistoryTopic> topics) {
			this.topics = topics;
		}

	}

	/**
	 * One history rule.
	 */
	public static class HistoryTopic {

		/**
		 * Topic pattern; '*' matches any characters, as in room:*.
		 */
		private String pattern = "";

		/**
		 * Most publications kept per topic (with Redis, approximately: streams are
		 * trimmed with MAXLEN ~).
		 */
		private int size = 100;

		/**
		 * How long one publication is kept; a topic without publications for this long
		 * starts a new epoch.
		 */
		private Duration ttl = Duration.ofMinutes(10);

		/**
		 * Whether JSON object messages of these topics get "epoch" and "offset" fields,
		 * so clients know where to resume from.
		 */
		private boolean stampPosition = true;

		public String getPattern() {
			return this.pattern;
		}

		public void setPattern(String pattern) {
			this.pattern = pattern;
		}

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public boolean isStampPosition() {
			return this.stampPosition;
		}

		public void setStampPosition(boolean stampPosition) {
			this.stampPosition = stampPosition;
		}

	}

	/**
	 * Per-connection message rate limit, a token bucket; off unless messages-per-second
	 * is set.
	 */
	public static class RateLimit {

		/**
		 * Messages a connection may send per second, sustained; zero disables the limit.
		 */
		private double messagesPerSecond = 0;

		/**
		 * Messages a connection may send at once before the rate applies; zero means
		 * messages-per-second, rounded up.
		 */
		private int burst = 0;

		/**
		 * Refused messages, drained at messages-per-second, past which the connection is
		 * closed with 1008; zero means twice the burst.
		 */
		private int maxExcess = 0;

		public double getMessagesPerSecond() {
			return this.messagesPerSecond;
		}

		public void setMessagesPerSecond(double messagesPerSecond) {
			this.messagesPerSecond = messagesPerSecond;
		}

		public int getBurst() {
			return this.burst;
		}

		public void setBurst(int burst) {
			this.burst = burst;
		}

		public int getMaxExcess() {
			return this.maxExcess;
		}

		public void setMaxExcess(int maxExcess) {
			this.maxExcess = maxExcess;
		}

	}

	/**
	 * Authentication of upgrades and authorization of topics.
	 */
	public static class Security {

		/**
		 * Path patterns of endpoints whose upgrades require a valid bearer token, besides
		 * those with @WsEndpoint(authenticated = "true").
		 */
		private List<String> authenticatedPaths = new ArrayList<>();

		/**
		 * Topic rules for the subscribes and publishes of connections, first match wins;
		 * a topic no rule matches is allowed.
		 */
		private List<TopicRuleProperties> topicRules = new ArrayList<>();

		public List<String> getAuthenticatedPaths() {
			return this.authenticatedPaths;
		}

		public void setAuthenticatedPaths(List<String> authenticatedPaths) {
			this.authenticatedPaths = authenticatedPaths;
		}

		public List<TopicRuleProperties> getTopicRules() {
			return this.topicRules;
		}

		public void setTopicRules(List<TopicRuleProperties> topicRules) {
			this.topicRules = topicRules;
		}

	}

	/**
	 * One topic rule.
	 */
	public static class TopicRuleProperties {

		/**
		 * Topic pattern: '*' matches anything, '{claim}' matches the connection's own
		 * claim value (such as user:{sub}).
		 */
		private String pattern = "";

		/**
		 * Whether connections may subscribe to matching topics.
		 */
		private boolean subscribe = true;

		/**
		 * Whether connections may publish to matching topics.
		 */
		private boolean publish = true;

		public String getPattern() {
			return this.pattern;
		}

		public void setPattern(String pattern) {
			this.pattern = pattern;
		}

		public boolean isSubscribe() {
			return this.subscribe;
		}

		public void setSubscribe(boolean subscribe) {
			this.subscribe = subscribe;
		}

		public boolean isPublish() {
			return this.publish;
		}

		public void setPublish(boolean publish) {
			this.publish = publish;
		}

	}

	/**
	 * The browser client, an ES module served by the application.
	 */
	public static class Client {

		/**
		 * Whether the browser client is served.
		 */
		private boolean enabled = true;

		/**
		 * Path of the browser client's module; its TypeScript declarations are served
		 * beside it, .d.ts for .js.
		 */
		private String path = "/ws-pubsub/client.js";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

	/**
	 * How a graceful shutdown drains the node's connections.
	 */
	public static class Shutdown {

		/**
		 * How long the closes (1012 Service Restart) are spread over, so clients move to
		 * the other nodes at a pace they can take. Bounded by
		 * spring.lifecycle.timeout-per-shutdown-phase less the closing handshakes' 3s;
		 * zero closes every connection at once.
		 */
		private Duration drainDuration = Duration.ofSeconds(10);

		/**
		 * Fewest connections closed together; a node with no more closes them all at
		 * once.
		 */
		private int drainMinBatch = 100;

		/**
		 * Window, sent in the close reason, within which each client reconnects at a
		 * random moment.
		 */
		private Duration reconnectWindow = Duration.ofSeconds(5);

		public Duration getDrainDuration() {
			return this.drainDuration;
		}

		public void setDrainDuration(Duration drainDuration) {
			this.drainDuration = drainDuration;
		}

		public int getDrainMinBatch() {
			return this.drainMinBatch;
		}

		public void setDrainMinBatch(int drainMinBatch) {
			this.drainMinBatch = drainMinBatch;
		}

		public Duration getReconnectWindow() {
			return this.reconnectWindow;
		}

		public void setReconnectWindow(Duration reconnectWindow) {
			this.reconnectWindow = reconnectWindow;
		}

	}

}
