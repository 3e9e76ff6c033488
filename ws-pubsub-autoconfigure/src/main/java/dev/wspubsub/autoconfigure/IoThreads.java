package dev.wspubsub.autoconfigure;

import java.time.Duration;

import dev.wspubsub.WsPubSubConfigurationException;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The event loops the Reactor Netty server runs on, {@code ws-pubsub.io-threads} of them.
 * Reactor's own default is one per processor but at least 4: on fewer than 4 cores, a
 * publish to a topic whose subscribers are spread over every loop wakes more threads than
 * there are cores to run them. Accept runs on the same loops, and the threads are daemons
 * named like Reactor's ({@code reactor-http-epoll-1}, {@code reactor-http-nio-1}).
 * <p>
 * Owned by the application context: {@link #close()} runs when its singletons are
 * destroyed, which is after the web server has stopped, so no loop outlives its
 * application.
 */
final class IoThreads implements AutoCloseable {

	private static final String PREFIX = "reactor-http";

	private final int count;

	private final LoopResources loops;

	private final Duration quietPeriod;

	private final Duration timeout;

	private IoThreads(int count, Duration quietPeriod, Duration timeout) {
		this.count = count;
		// (prefix, workerCount, daemon): no separate select loops, like Reactor's global
		// resources.
		this.loops = LoopResources.create(PREFIX, count, true);
		this.quietPeriod = quietPeriod;
		this.timeout = timeout;
	}

	/**
	 * {@code count} loops, or a start-up failure naming the property when it is below 1.
	 * @param quietPeriod how long disposal waits for late tasks
	 * ({@code spring.reactor.netty.shutdown-quiet-period})
	 */
	static IoThreads of(int count, Duration quietPeriod) {
		if (count < 1) {
			throw new WsPubSubConfigurationException("ws-pubsub.io-threads is " + count + ".",
					"Set ws-pubsub.io-threads to 1 or more, or leave it unset for one per available processor ("
							+ Runtime.getRuntime().availableProcessors() + " here).");
		}
		Duration timeout = Duration.ofSeconds(LoopResources.DEFAULT_SHUTDOWN_TIMEOUT);
		// Netty refuses a shutdown timeout shorter than the quiet period.
		return new IoThreads(count, quietPeriod, (timeout.compareTo(quietPeriod) < 0) ? quietPeriod : timeout);
	}

	int count() {
		return this.count;
	}

	/** {@code server} on these loops. */
	HttpServer apply(HttpServer server) {
		return server.runOn(this.loops);
	}

	@Override
	public void close() {
		// A margin past Netty's own timeout for the termination futures to complete.
		this.loops.disposeLater(this.quietPeriod, this.timeout).block(this.timeout.plusSeconds(5));
	}

	@Override
	public String toString() {
		return this.count + " I/O thread(s) " + this.loops;
	}

}
