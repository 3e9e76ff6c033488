package dev.wspubsub.testapp;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

/**
 * Endpoints that override one {@code ws-pubsub.*} property each, most through a
 * {@code ${placeholder}} resolved from the test's properties.
 */
public final class LimitEndpoints {

	/** Echoes text; the limits under test are on the annotation of each subclass. */
	public abstract static class Echoing extends RecordingEndpoint {

		Echoing(Events events) {
			super(events);
		}

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	@WsEndpoint(path = "/small-payload", maxPayloadLength = "${test.small-payload}")
	public static class SmallPayload extends Echoing {

		SmallPayload(Events events) {
			super(events);
		}

	}

	@WsEndpoint(path = "/short-idle", idleTimeout = "${test.short-idle}")
	public static class ShortIdle extends Echoing {

		ShortIdle(Events events) {
			super(events);
		}

	}

	@WsEndpoint(path = "/short-idle-no-pings", idleTimeout = "${test.short-idle}", sendPings = "false")
	public static class ShortIdleNoPings extends Echoing {

		ShortIdleNoPings(Events events) {
			super(events);
		}

	}

	@WsEndpoint(path = "/slow-reader", backpressureLimit = "${test.small-buffer}")
	public static class SlowReader extends Echoing {

		SlowReader(Events events) {
			super(events);
		}

	}

	@WsEndpoint(path = "/strict-slow-reader", backpressureLimit = "${test.small-buffer}",
			closeOnBackpressureLimit = "true")
	public static class StrictSlowReader extends Echoing {

		StrictSlowReader(Events events) {
			super(events);
		}

	}

	@WsEndpoint(path = "/api-self", publishToSelf = "${test.publish-to-self}")
	public static class PublishToSelf extends ApiEndpoint {

		PublishToSelf(Events events) {
			super(events);
		}

	}

	/** Answers text compressed, or plain when it starts with {@code plain:}. */
	@WsEndpoint(path = "/deflate", perMessageDeflate = "true")
	public static class Deflate extends RecordingEndpoint {

		Deflate(Events events) {
			super(events);
		}

		@OnMessage
		void echo(WsSession<?> ws, String text) {
			ws.send(text, !text.startsWith("plain:"));
		}

	}

	private LimitEndpoints() {
	}

}
