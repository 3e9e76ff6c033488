package dev.wspubsub.bench.chat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /bench/allocated-bytes}: the heap bytes allocated so far by the server's
 * live threads (HotSpot's per-thread counters), as plain text. The chat clients read it
 * at both ends of the counted window, as they read the server's CPU time, to print bytes
 * allocated per message. A thread that ends within the window takes its count with it; in
 * the steady state the event loops, which do the work, live as long as the server.
 */
@Configuration(proxyBeanMethods = false)
class AllocatedBytes {

	@Bean
	RouterFunction<ServerResponse> allocatedBytesRoute() {
		return RouterFunctions.route()
			.GET("/bench/allocated-bytes", (request) -> ServerResponse.ok().bodyValue(Long.toString(total())))
			.build();
	}

	static long total() {
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
