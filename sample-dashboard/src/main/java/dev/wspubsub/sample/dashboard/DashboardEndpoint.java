package dev.wspubsub.sample.dashboard;

import java.util.Set;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;

/**
 * The dashboard's WebSocket: live metrics and alerts, and the channels a client wants.
 */
@WsEndpoint("/ws")
class DashboardEndpoint {

	private static final Set<String> CHANNELS = Set.of("metrics", "alerts");

	private final MetricsHistory history;

	private final AlertEngine alerts;

	DashboardEndpoint(MetricsHistory history, AlertEngine alerts) {
		this.history = history;
		this.alerts = alerts;
	}

	@OnOpen
	void open(WsSession<?> ws) {
		// The newest samples go out before any live one, and live ones follow from right
		// after them: the initial state has no gap and no duplicate with the updates.
		ws.subscribe(MetricsHistory.TOPIC, null, MetricsHistory.SIZE, (recovery) -> {
			ws.subscribe("alerts");
			ws.send(new Messages.InitialState(this.history.messages(recovery.publications()), this.alerts.active()));
		});
	}

	@OnMessage("subscribe")
	Messages.Subscribed subscribe(WsSession<?> ws, Messages.Channel message) {
		ws.subscribe(known(message.channel()));
		return new Messages.Subscribed("subscribed", message.channel());
	}

	@OnMessage("unsubscribe")
	Messages.Subscribed unsubscribe(WsSession<?> ws, Messages.Channel message) {
		ws.unsubscribe(known(message.channel()));
		return new Messages.Subscribed("unsubscribed", message.channel());
	}

	private static String known(String channel) {
		if (!CHANNELS.contains(channel)) {
			// IllegalArgumentException messages reach the client as
			// {"type":"error","error":...}.
			throw new IllegalArgumentException("Unknown channel: " + channel);
		}
		return channel;
	}

}
