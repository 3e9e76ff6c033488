package dev.wspubsub.sample.dashboard;

import java.util.Map;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;

/**
 * The dashboard's WebSocket: live metrics and alerts, and the channels a client wants.
 */
@WsEndpoint("/ws")
class DashboardEndpoint {

	/** Channel names of the protocol, and the topics behind them. */
	private static final Map<String, String> CHANNELS = Map.of("metrics", MetricsHistory.UPDATES, "alerts", "alerts");

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
		ws.subscribe(MetricsHistory.UPDATES, null, MetricsHistory.SIZE, (recovery) -> {
			ws.subscribe("alerts");
			ws.send(new Messages.InitialState(this.history.metricsOf(recovery.publications()),
					(recovery.position() != null) ? recovery.position().toString() : null, this.alerts.active()));
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
		String topic = CHANNELS.get(channel);
		if (topic == null) {
			// IllegalArgumentException messages reach the client as
			// {"type":"error","error":...}.
			throw new IllegalArgumentException("Unknown channel: " + channel);
		}
		return topic;
	}

}
