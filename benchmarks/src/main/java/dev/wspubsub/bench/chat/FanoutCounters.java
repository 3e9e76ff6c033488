package dev.wspubsub.bench.chat;

import dev.wspubsub.internal.cluster.RedisFanout;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * Logs the Redis fan-out's counters as the node stops, before its beans are destroyed, so
 * that the cluster benchmark can show what went through Redis and what was dropped.
 */
@Component
class FanoutCounters implements ApplicationListener<ContextClosedEvent> {

	private static final Log logger = LogFactory.getLog(FanoutCounters.class);

	private final ObjectProvider<RedisFanout> fanout;

	FanoutCounters(ObjectProvider<RedisFanout> fanout) {
		this.fanout = fanout;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.fanout.ifAvailable((redis) -> logger.info("FANOUT published=" + redis.publishedCount() + " received="
				+ redis.receivedCount() + " dropped=" + redis.droppedCount() + " errors=" + redis.errorCount()
				+ " duplicates=" + redis.duplicateCount()));
	}

}
