package dev.wspubsub.internal.stomp;

/**
 * Where frames to application destinations ({@code /app} by default) go: Spring's
 * {@code @MessageMapping} and {@code @SubscribeMapping} methods when spring-messaging is
 * present.
 */
interface ApplicationDestinations {

	/** A SEND to {@code destination}, an application destination. */
	void send(StompSession session, StompFrame frame, String destination);

	/** A SUBSCRIBE to {@code destination}, an application destination. */
	void subscribe(StompSession session, StompFrame frame, String destination, String subscriptionId);

}
