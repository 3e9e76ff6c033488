package dev.wspubsub.internal.actuate;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.internal.cluster.TopicGapRepair;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The meters of the Redis fan-out: the lag of what other nodes publish, and read when
 * scraped the publish queue's depth, the link's reconnects, and for topics with history
 * the gaps repaired and the resets sent by cause.
 */
public final class FanoutMeterBinder implements MeterBinder {

	private final RedisFanout fanout;

	private final @Nullable TopicGapRepair repair;

	public FanoutMeterBinder(RedisFanout fanout, @Nullable TopicGapRepair repair) {
		this.fanout = Objects.requireNonNull(fanout, "fanout");
		this.repair = repair;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("wspubsub.fanout.queue", this.fanout, RedisFanout::bufferedCount)
			.description("Publishes waiting to be sent to Redis")
			.register(registry);
		Timer lag = Timer.builder("wspubsub.fanout.lag")
			.description("Time from a publish on another node to its arrival on this one, by their wall clocks")
			.register(registry);
		this.fanout.onFanoutLag((millis) -> lag.record(Math.max(0, millis), TimeUnit.MILLISECONDS));
		FunctionCounter.builder("wspubsub.fanout.reconnects", this.fanout, RedisFanout::reconnectCount)
			.description("Times the link to Redis came back after an outage")
			.register(registry);
		FunctionCounter.builder("wspubsub.fanout.dropped", this.fanout, RedisFanout::droppedCount)
			.description("Publishes dropped because the queue for Redis was full")
			.register(registry);
		FunctionCounter.builder("wspubsub.fanout.duplicates", this.fanout, RedisFanout::duplicateCount)
			.description("Publications from other nodes dropped as delivered already (a resend after a lost reply)")
			.register(registry);
		TopicGapRepair gaps = this.repair;
		if (gaps == null) {
			return;
		}
		FunctionCounter.builder("wspubsub.history.gaps.repaired", gaps, TopicGapRepair::repairedCount)
			.description("Gaps in a topic's delivery filled from its stream")
			.register(registry);
		for (TopicGapRepair.ResetCause cause : TopicGapRepair.ResetCause.values()) {
			FunctionCounter.builder("wspubsub.history.resets", gaps, (repair) -> repair.resetCount(cause))
				.description("Reset notices sent for a topic whose gap could not be repaired")
				.tag("cause", cause.name().toLowerCase())
				.register(registry);
		}
	}

}
