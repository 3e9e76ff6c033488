package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Security settings of ws-pubsub, under {@code ws-pubsub.*}: origins, connection caps,
 * the handshake timeout, message rate limits, and under {@code ws-pubsub.security.*}
 * authentication and topic rules.
 */
@ConfigurationProperties("ws-pubsub")
public class WsPubSubSecurityProperties {

	/**
	 * Origins, or patterns such as https://*.example.com, whose pages may open WebSockets besides the server's own origin; '*' allows any. Requests without an Origin header (not browsers) are always allowed.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Most WebSocket connections (upgrades in progress included) this node accepts; more get 503. Zero means no cap.
	 */
	private int maxConnections = 0;

	/**
	 * Most WebSocket connections from one client address; more get 429. Zero means no cap.
	 */
	private int maxConnectionsPerIp = 0;

	/**
	 * How long a client may take to send a request's headers before the connection is dropped. Server-wide: it applies to every HTTP/1.1 request of the application, not only WebSocket upgrades, since the path is known only once the headers are. Zero disables it.
	 */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	private final RateLimit rateLimit = new RateLimit();

	private final Security security = new Security();

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
	 * Per-connection message rate limit, a token bucket; off unless messages-per-second is set.
	 */
	public static class RateLimit {

		/**
		 * Messages a connection may send per second, sustained; zero disables the limit.
		 */
		private double messagesPerSecond = 0;

		/**
		 * Messages a connection may send at once before the rate applies; zero means messages-per-second, rounded up.
		 */
		private int burst = 0;

		/**
		 * Refused messages, drained at messages-per-second, past which the connection is closed with 1008; zero means twice the burst.
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
		 * Path patterns of endpoints whose upgrades require a valid bearer token, besides those with @WsEndpoint(authenticated = "true").
		 */
		private List<String> authenticatedPaths = new ArrayList<>();

		/**
		 * Topic rules for the subscribes and publishes of connections, first match wins; a topic no rule matches is allowed.
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
		 * Topic pattern: '*' matches anything, '{claim}' matches the connection's own claim value (such as user:{sub}).
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

}
