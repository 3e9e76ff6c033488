package dev.wspubsub.internal.stomp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the STOMP endpoints share, mapped from {@code ws-pubsub.stomp.*}.
 *
 * @param endpoints the WebSocket paths that speak STOMP
 * @param applicationDestinationPrefixes destinations handled by {@code @MessageMapping}
 * methods
 * @param brokerDestinationPrefixes destinations that are ws-pubsub topics
 * @param userDestinationPrefix the prefix of destinations resolved to one user's own
 * @param heartbeatSend how often the server offers to send heart-beats; zero for never
 * @param heartbeatReceive how often the server asks the client for heart-beats; zero for
 * never
 * @param maxSubscriptions subscriptions one connection may hold at once
 * @param messagesPerSecond frames a connection may send per second, zero for no limit
 * @param burst frames a connection may send at once
 */
public record StompSettings(List<String> endpoints, List<String> applicationDestinationPrefixes,
		List<String> brokerDestinationPrefixes, String userDestinationPrefix, Duration heartbeatSend,
		Duration heartbeatReceive, int maxSubscriptions, double messagesPerSecond, int burst) {

	public StompSettings {
		endpoints = List.copyOf(endpoints);
		applicationDestinationPrefixes = List.copyOf(applicationDestinationPrefixes);
		brokerDestinationPrefixes = List.copyOf(brokerDestinationPrefixes);
		Objects.requireNonNull(userDestinationPrefix, "userDestinationPrefix");
		Objects.requireNonNull(heartbeatSend, "heartbeatSend");
		Objects.requireNonNull(heartbeatReceive, "heartbeatReceive");
		if (heartbeatSend.isNegative() || heartbeatReceive.isNegative()) {
			throw new IllegalArgumentException("heart-beat intervals must not be negative");
		}
		if (maxSubscriptions <= 0) {
			throw new IllegalArgumentException("maxSubscriptions must be strictly positive, was " + maxSubscriptions);
		}
	}

	/** {@code prefix} with a trailing slash, as Spring matches destination prefixes. */
	static String slashed(String prefix) {
		return prefix.endsWith("/") ? prefix : prefix + "/";
	}

	boolean isApplicationDestination(String destination) {
		return matchesAny(this.applicationDestinationPrefixes, destination);
	}

	boolean isBrokerDestination(String destination) {
		return matchesAny(this.brokerDestinationPrefixes, destination);
	}

	boolean isUserDestination(String destination) {
		return destination.startsWith(slashed(this.userDestinationPrefix));
	}

	private static boolean matchesAny(List<String> prefixes, String destination) {
		for (String prefix : prefixes) {
			if (destination.startsWith(slashed(prefix)) || destination.equals(prefix)) {
				return true;
			}
		}
		return false;
	}

}
