package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * STOMP over ws-pubsub's WebSocket connections, under {@code ws-pubsub.stomp.*}: on as
 * soon as an endpoint path is set. Names follow Spring's
 * {@code WebSocketMessageBrokerConfigurer} where it has one.
 */
@ConfigurationProperties("ws-pubsub.stomp")
public class WsPubSubStompProperties {

	/**
	 * Paths that speak STOMP over WebSocket, such as /gs-guide-websocket.
	 */
	private List<String> endpoints = new ArrayList<>();

	/**
	 * Destination prefixes handled by @MessageMapping methods of @Controller beans.
	 */
	private List<String> applicationDestinationPrefixes = new ArrayList<>(List.of("/app"));

	/**
	 * Destination prefixes that are ws-pubsub topics: a subscription to /topic/a is one
	 * to the topic "/topic/a".
	 */
	private List<String> brokerDestinationPrefixes = new ArrayList<>(List.of("/topic", "/queue"));

	/**
	 * Prefix of destinations resolved to the connected user's own, such as
	 * /user/queue/errors.
	 */
	private String userDestinationPrefix = "/user";

	/**
	 * How often the server offers to send heart-beats. Zero disables them.
	 */
	private Duration heartbeatSend = Duration.ofSeconds(10);

	/**
	 * How often the server asks clients for heart-beats; a client silent for three of the
	 * agreed intervals is disconnected. Zero disables the check.
	 */
	private Duration heartbeatReceive = Duration.ofSeconds(10);

	/**
	 * Most subscriptions one connection may hold at once.
	 */
	private int maxSubscriptionsPerConnection = 1000;

	public List<String> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<String> endpoints) {
		this.endpoints = endpoints;
	}

	public List<String> getApplicationDestinationPrefixes() {
		return this.applicationDestinationPrefixes;
	}

	public void setApplicationDestinationPrefixes(List<String> applicationDestinationPrefixes) {
		this.applicationDestinationPrefixes = applicationDestinationPrefixes;
	}

	public List<String> getBrokerDestinationPrefixes() {
		return this.brokerDestinationPrefixes;
	}

	public void setBrokerDestinationPrefixes(List<String> brokerDestinationPrefixes) {
		this.brokerDestinationPrefixes = brokerDestinationPrefixes;
	}

	public String getUserDestinationPrefix() {
		return this.userDestinationPrefix;
	}

	public void setUserDestinationPrefix(String userDestinationPrefix) {
		this.userDestinationPrefix = userDestinationPrefix;
	}

	public Duration getHeartbeatSend() {
		return this.heartbeatSend;
	}

	public void setHeartbeatSend(Duration heartbeatSend) {
		this.heartbeatSend = heartbeatSend;
	}

	public Duration getHeartbeatReceive() {
		return this.heartbeatReceive;
	}

	public void setHeartbeatReceive(Duration heartbeatReceive) {
		this.heartbeatReceive = heartbeatReceive;
	}

	public int getMaxSubscriptionsPerConnection() {
		return this.maxSubscriptionsPerConnection;
	}

	public void setMaxSubscriptionsPerConnection(int maxSubscriptionsPerConnection) {
		this.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection;
	}

}
