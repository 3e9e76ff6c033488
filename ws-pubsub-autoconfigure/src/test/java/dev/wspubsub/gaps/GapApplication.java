package dev.wspubsub.gaps;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.wspubsub.FanoutLinkEvent;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnTopicReset;
import dev.wspubsub.annotation.WsEndpoint;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A node driven by text commands, {@code sub T}, {@code resume T epoch offset} (the
 * missed publications come first, each as it was published, or {@code not_recovered}) and
 * {@code pub T text} (the server publishes, so the sender gets it too when subscribed),
 * that records the fan-out link events it hears. On {@code /gap-own-reset} the same
 * commands, with the endpoint's own reset notice {@code reset <topic> <position> <session
 * id>}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ GapApplication.CommandEndpoint.class, GapApplication.OwnResetNoticeEndpoint.class })
class GapApplication {

	@Bean
	LinkEventLog linkEventLog() {
		return new LinkEventLog();
	}

	@WsEndpoint("/gap")
	static class CommandEndpoint {

		private final WsServer server;

		CommandEndpoint(WsServer server) {
			this.server = server;
		}

		@OnMessage
		@Nullable String text(WsSession<?> ws, String text) {
			String[] parts = text.split(" ", 3);
			if (parts[0].equals("sub")) {
				ws.subscribe(parts[1]);
				return "subscribed " + parts[1];
			}
			if (parts[0].equals("resume")) {
				String[] position = parts[2].split(" ");
				ws.subscribe(parts[1], new StreamPosition(position[0], Long.parseLong(position[1])), 0, (recovery) -> {
					if (!recovery.recovered()) {
						ws.sendText("not_recovered");
					}
					recovery.publications().forEach((publication) -> ws.sendText(publication.asText()));
				});
				return null;
			}
			if (parts[0].equals("pub")) {
				this.server.publish(parts[1], parts[2]);
				return null;
			}
			return "unknown " + text;
		}

	}

	@WsEndpoint("/gap-own-reset")
	static class OwnResetNoticeEndpoint extends CommandEndpoint {

		OwnResetNoticeEndpoint(WsServer server) {
			super(server);
		}

		@OnTopicReset
		String reset(String topic, StreamPosition current, WsSession<?> ws) {
			return "reset " + topic + " " + current + " " + ws.id();
		}

	}

	/** The link events this node heard, in order. */
	static final class LinkEventLog implements ApplicationListener<FanoutLinkEvent> {

		final List<FanoutLinkEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(FanoutLinkEvent event) {
			this.events.add(event);
		}

	}

}
