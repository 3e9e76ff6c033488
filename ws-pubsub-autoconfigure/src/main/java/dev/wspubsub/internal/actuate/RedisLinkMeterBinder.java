package dev.wspubsub.internal.actuate;

import java.util.Objects;

import dev.wspubsub.internal.cluster.RedisFanout;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The counters of this node's Redis link, read from the fan-out when scraped, tagged with
 * the mode ({@code redis} or {@code redis-cluster}); never per topic.
 */
public class RedisLinkMeterBinder implements MeterBinder {

	private final RedisFanout fanout;

	public RedisLinkMeterBinder(RedisFanout fanout) {
		this.fanout = Objects.requireNonNull(fanout, "fanout");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("mode", this.fanout.mode());
		FunctionCounter.builder("wspubsub.redis.published", this.fanout, RedisFanout::publishedCount)
			.description("Publications Redis accepted from this node")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wspubsub.redis.received", this.fanout, RedisFanout::receivedCount)
			.description("Publications of other nodes received from Redis and delivered here")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wspubsub.redis.dropped", this.fanout, RedisFanout::droppedCount)
			.description("Publications for other nodes dropped: the buffer was full or Redis kept failing them")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wspubsub.redis.errors", this.fanout, RedisFanout::errorCount)
			.description(
					"Failed publications (each of a failed batch), other failed Redis commands and undecodable messages")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wspubsub.redis.outages", this.fanout, RedisFanout::outageCount)
			.description("Times the link to Redis went down; each is followed by a reconnect")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wspubsub.redis.reconnects", this.fanout, RedisFanout::reconnectCount)
			.description("Times the link to Redis came back after an outage")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("wspubsub.redis.duplicates", this.fanout, RedisFanout::duplicateCount)
			.description("Publications of other nodes dropped as delivered already (a resend after a lost reply)")
			.tags(tags)
			.register(registry);
		Gauge.builder("wspubsub.redis.buffered", this.fanout, RedisFanout::bufferedCount)
			.description("Publications waiting to be sent to Redis")
			.tags(tags)
			.register(registry);
		Gauge.builder("wspubsub.redis.up", this.fanout, (fanout) -> fanout.isUp() ? 1 : 0)
			.description("Whether the link to Redis works end to end (1) or not (0)")
			.tags(tags)
			.register(registry);
	}

}
