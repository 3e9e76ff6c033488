package dev.wspubsub.internal.actuate;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import org.jspecify.annotations.Nullable;

/**
 * Counts connection events in Micrometer meters tagged by endpoint path template only,
 * never by topic, user or raw URI, so the number of meters stays bounded. Meters of a
 * path are created on its first event and then found with one map read per event;
 * publishes update two meters per publish, whatever the fan-out.
 *
 * @see WsPubSubMeterBinder for the gauges
 */
public class WsPubSubMeters implements WsMetricsListener {

	static final String ENDPOINT = "endpoint";

	/** The endpoint tag of SSE streams, which have no endpoint path. */
	static final String SSE = "sse";

	private final MeterRegistry registry;

	private final Map<String, PathMeters> byPath = new ConcurrentHashMap<>();

	private final Counter publishes;

	private final DistributionSummary fanoutSize;

	public WsPubSubMeters(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.publishes = Counter.builder("wspubsub.publishes")
			.description("Messages published to a topic on this node")
			.register(registry);
		this.fanoutSize = DistributionSummary.builder("wspubsub.fanout.size")
			.description("Local subscribers a publish was handed to")
			.baseUnit("subscribers")
			.register(registry);
	}

	@Override
	public void connectionOpened(WsSession<?> session) {
		meters(session.path()).opened.increment();
	}

	@Override
	public void connectionClosed(WsSession<?> session, int code) {
		meters(session.path()).closed(outcome(code)).increment();
	}

	@Override
	public void messageReceived(WsSession<?> session, boolean text, int bytes) {
		PathMeters meters = meters(session.path());
		if (text) {
			meters.textReceived.increment();
			meters.textBytesReceived.increment(bytes);
		}
		else {
			meters.binaryReceived.increment();
			meters.binaryBytesReceived.increment(bytes);
		}
	}

	@Override
	public void messageSent(WsSession<?> session, int bytes) {
		PathMeters meters = meters(session.path());
		meters.sent.increment();
		meters.bytesSent.increment(bytes);
	}

	@Override
	public void published(int subscribers, int bytes) {
		this.fanoutSize.record(subscribers);
		this.publishes.increment();
	}

	@Override
	public void backpressure(WsSession<?> session) {
		meters(session.path()).backpressure.increment();
	}

	@Override
	public void dropped(WsSession<?> session, String reason) {
		meters(session.path()).dropped(reason).increment();
	}

	@Override
	public void upgradeRejected(String path, String reason) {
		meters(path).rejected(reason).increment();
	}

	@Override
	public void topicRefused(@Nullable String path, String reason) {
		meters((path != null) ? path : SSE).topicRefused(reason).increment();
	}

	@Override
	public void resumed(@Nullable String path, boolean recovered, int replayed) {
		PathMeters meters = meters((path != null) ? path : SSE);
		meters.resumes(recovered ? "recovered" : "not_recovered").increment();
		if (recovered) {
			meters.replayed.increment(replayed);
		}
	}

	private PathMeters meters(String path) {
		PathMeters meters = this.byPath.get(path);
		return (meters != null) ? meters
				: this.byPath.computeIfAbsent(path, (key) -> new PathMeters(this.registry, key));
	}

	/**
	 * The class of a close code, a tag with few values: {@code normal} (1000, 1001, 1005,
	 * 1012), {@code abnormal} (1006, dropped without a close frame), {@code application}
	 * (3000-4999) or {@code error} (other protocol codes).
	 */
	static String outcome(int code) {
		if (code == 1000 || code == 1001 || code == 1005 || code == 1012) {
			return "normal";
		}
		if (code == 1006) {
			return "abnormal";
		}
		if (code >= 3000 && code <= 4999) {
			return "application";
		}
		return "error";
	}

	/** The meters of one endpoint path. */
	private static final class PathMeters {

		private final MeterRegistry registry;

		private final String path;

		final Counter opened;

		final Counter textReceived;

		final Counter binaryReceived;

		final Counter textBytesReceived;

		final Counter binaryBytesReceived;

		final Counter sent;

		final Counter bytesSent;

		final Counter backpressure;

		final Counter replayed;

		private final Map<String, Counter> resumes = new ConcurrentHashMap<>();

		private final Map<String, Counter> closed = new ConcurrentHashMap<>();

		private final Map<String, Counter> dropped = new ConcurrentHashMap<>();

		private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

		private final Map<String, Counter> topicsRefused = new ConcurrentHashMap<>();

		PathMeters(MeterRegistry registry, String path) {
			this.registry = registry;
			this.path = path;
			this.opened = counter("wspubsub.connections.opened", "Connections opened").register(registry);
			this.textReceived = counter("wspubsub.messages.received", "Messages received").tag("type", "text")
				.register(registry);
			this.binaryReceived = counter("wspubsub.messages.received", "Messages received").tag("type", "binary")
				.register(registry);
			this.textBytesReceived = counter("wspubsub.bytes.received", "Payload bytes received").tag("type", "text")
				.baseUnit(BaseUnits.BYTES)
				.register(registry);
			this.binaryBytesReceived = counter("wspubsub.bytes.received", "Payload bytes received")
				.tag("type", "binary")
				.baseUnit(BaseUnits.BYTES)
				.register(registry);
			this.sent = counter("wspubsub.messages.sent", "Messages sent to one connection (sends and replies)")
				.register(registry);
			this.bytesSent = counter("wspubsub.bytes.sent", "Payload bytes sent to one connection (sends and replies)")
				.baseUnit(BaseUnits.BYTES)
				.register(registry);
			this.backpressure = counter("wspubsub.backpressure", "Times a connection crossed its backpressure limit")
				.register(registry);
			this.replayed = counter("wspubsub.history.replayed", "Publications handed to resuming subscribers")
				.register(registry);
		}

		Counter resumes(String outcome) {
			return tagged(this.resumes, "wspubsub.history.resumes", "Subscribes that resumed from a position",
					"outcome", outcome);
		}

		private Counter.Builder counter(String name, String description) {
			return Counter.builder(name).description(description).tag(ENDPOINT, this.path);
		}

		Counter closed(String outcome) {
			return tagged(this.closed, "wspubsub.connections.closed", "Connections closed", "outcome", outcome);
		}

		Counter dropped(String reason) {
			return tagged(this.dropped, "wspubsub.dropped", "Messages dropped", "reason", reason);
		}

		Counter rejected(String reason) {
			return tagged(this.rejected, "wspubsub.upgrades.rejected", "Upgrades refused", "reason", reason);
		}

		Counter topicRefused(String reason) {
			return tagged(this.topicsRefused, "wspubsub.topics.refused",
					"Subscribes and publishes refused by a topic limit", "reason", reason);
		}

		private Counter tagged(Map<String, Counter> counters, String name, String description, String tag,
				String value) {
			Counter counter = counters.get(value);
			return (counter != null) ? counter : counters.computeIfAbsent(value,
					(key) -> counter(name, description).tag(tag, key).register(this.registry));
		}

	}

}
