package dev.wspubsub.testapp;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * An application run with every {@code ws-pubsub.*} connection property away from its
 * default (see {@link GlobalPropertiesTests}): {@code /inherits} takes them all,
 * {@code /overrides} sets each back on its annotation.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ Events.class, SmallSendBuffers.class, GlobalPropertiesApplication.Inherits.class,
		GlobalPropertiesApplication.Overrides.class })
public class GlobalPropertiesApplication {

	/** Echoes text; {@code sub:topic} subscribes, {@code pub:topic:text} publishes. */
	@WsEndpoint("/inherits")
	public static class Inherits extends RecordingEndpoint {

		Inherits(Events events) {
			super(events);
		}

		@OnMessage
		String text(WsSession<?> ws, String text) {
			if (text.startsWith("sub:")) {
				return "subscribed:" + ws.subscribe(text.substring(4));
			}
			if (text.startsWith("pub:")) {
				String[] parts = text.split(":", 3);
				return "published:" + ws.publish(parts[1], parts[2]);
			}
			return text;
		}

	}

	@WsEndpoint(path = "/overrides", maxPayloadLength = "${test.max-payload-length:16MB}",
			idleTimeout = "${test.idle-timeout:120s}", sendPings = "${test.send-pings:true}",
			backpressureLimit = "${test.backpressure-limit:1MB}",
			closeOnBackpressureLimit = "${test.close-on-backpressure-limit:false}",
			publishToSelf = "${test.publish-to-self:false}", perMessageDeflate = "${test.per-message-deflate:false}")
	public static class Overrides extends Inherits {

		Overrides(Events events) {
			super(events);
		}

	}

}
