package dev.wspubsub.sample.chat;

import java.time.Instant;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.sample.chat.ServerMessage.Ping;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The protocol's own heartbeat: {@code {"type":"ping"}} to every chat connection of this
 * node each {@code chat.heartbeat.interval}; a connection that has not answered
 * {@code {"type":"pong"}} within {@code chat.heartbeat.timeout} is closed.
 */
@Component
class Heartbeat {

	private final WsServer server;

	private final TaskScheduler scheduler;

	private final ChatProperties.Heartbeat settings;

	Heartbeat(WsServer server, TaskScheduler scheduler, ChatProperties properties) {
		this.server = server;
		this.scheduler = scheduler;
		this.settings = properties.heartbeat();
	}

	@Scheduled(fixedRateString = "${chat.heartbeat.interval:30s}",
			initialDelayString = "${chat.heartbeat.interval:30s}")
	void ping() {
		long now = System.currentTimeMillis();
		for (WsSession<?> ws : this.server.sessions()) {
			if (ws.data() instanceof ChatUser user && user.pinged(now)) {
				ws.send(new Ping(now));
				this.scheduler.schedule(() -> {
					if (user.stillUnanswered(now)) {
						ws.close(CloseCodes.NORMAL, "Heartbeat timeout");
					}
				}, Instant.now().plus(this.settings.timeout()));
			}
		}
	}

}
