package dev.wspubsub.internal.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.ServerBusyException;
import dev.wspubsub.internal.transport.WsConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs refusals of blocking calls ({@link ServerBusyException}) at most once a minute,
 * with how many there were: under overload a line per refused message would add to the
 * load it reports.
 */
public final class BusyWarnings {

	private static final Log logger = LogFactory.getLog(BusyWarnings.class);

	private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String endpoint;

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

	public BusyWarnings(String endpoint) {
		this.endpoint = endpoint;
	}

	public void refused(WsConnection connection) {
		long count = this.refused.incrementAndGet();
		long now = System.nanoTime();
		long next = this.nextWarning.get();
		if (now - next >= 0 && this.nextWarning.compareAndSet(next, now + INTERVAL_NANOS)) {
			long since = this.refused.getAndSet(0);
			logger.warn(this.endpoint + ": blocking handlers are saturated; refused " + since + " call(s) with \""
					+ ServerBusyException.MESSAGE + "\" (latest for " + connection
					+ "). Raise ws-pubsub.blocking.max-threads or ws-pubsub.blocking.queue-capacity, or make the handler non-blocking.");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(connection + ": blocking call refused, server busy (" + count + " since the last warning)");
		}
	}

}
