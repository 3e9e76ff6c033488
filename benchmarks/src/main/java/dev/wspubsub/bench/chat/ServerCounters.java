package dev.wspubsub.bench.chat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /bench/counters}: {@code allocated_bytes=A received=R}, the heap bytes
 * allocated so far by the server's live threads (HotSpot's per-thread counters) and the
 * chat messages received so far. The chat clients read it at both ends of the counted
 * window, as they read the server's CPU time, and print the bytes allocated per message
 * received and per message delivered. The server counts what it received itself: a
 * client's count of deliveries, divided by the room's size, would be off by what was in
 * flight at the window's ends, a large share of a window that holds only a few rounds. A
 * thread that ends within the window takes its count with it; in the steady state the
 * event loops, which do the work, live as long as the server.
 */
@Component
class ServerCounters {

	private final LongAdder received = new LongAdder();

	LongAdder received() {
		return this.received;
	}

	@Bean
	RouterFunction<ServerResponse> countersRoute() {
		return RouterFunctions.route()
			.GET("/bench/counters",
					(request) -> ServerResponse.ok()
						.bodyValue("allocated_bytes=" + allocatedBytes() + " received=" + this.received.sum()))
			.build();
	}

	static long allocatedBytes() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		if (!(threads instanceof com.sun.management.ThreadMXBean hotspot)
				|| !hotspot.isThreadAllocatedMemorySupported()) {
			throw new IllegalStateException("This JVM does not count allocated bytes per thread");
		}
		long total = 0;
		for (long bytes : hotspot.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			if (bytes > 0) {
				total += bytes;
			}
		}
		return total;
	}

}
