package dev.wspubsub.topics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.wspubsub.WsSession;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.testapp.SemanticsTestSupport;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publish is encoded once and shared: delivering it to a hundred connections of the
 * publishing loop allocates no more on that loop than delivering it to one. Measured with
 * HotSpot's count of the bytes each thread allocated, around publishes made on the loop;
 * the fewest of several rounds, so the rounds run before the JIT compiled the path do not
 * count.
 */
class DeliveryAllocationTests extends SemanticsTestSupport {

	private static final int PUBLISHES = 100;

	private static final int ROUNDS = 20;

	private static final int SUBSCRIBERS = 100;

	private static final List<String> TEXTS = IntStream.range(0, PUBLISHES)
		.mapToObj((i) -> "Client7: Hello World! " + i)
		.toList();

	@Test
	void aPublishAllocatesNoMoreForAHundredSubscribersOfItsLoopThanForOne() throws Exception {
		List<Connected> opened = new ArrayList<>();
		try {
			Connected publisher = open("/api");
			opened.add(publisher);
			EventLoop loop = loop(publisher.session());
			List<Connected> subscribers = openOnLoop(loop, SUBSCRIBERS, opened);
			String topic = "allocation";
			subscribe(loop, subscribers.subList(0, 1), topic);
			long alone = bytesPerPublish(loop, publisher.session(), topic);
			subscribe(loop, subscribers.subList(1, SUBSCRIBERS), topic);
			long shared = bytesPerPublish(loop, publisher.session(), topic);
			assertThat(shared).as("bytes per publish to %d subscribers, against %d to one", SUBSCRIBERS, alone)
				.isLessThanOrEqualTo(alone + 2);
			// Delivered all the same: the last subscriber got every publish of its
			// rounds.
			assertThat(subscribers.get(SUBSCRIBERS - 1).client().awaitMessages(ROUNDS * PUBLISHES, TIMEOUT))
				.endsWith(TEXTS.toArray(String[]::new));
		}
		finally {
			opened.forEach(Connected::close);
		}
	}

	/**
	 * Opens connections until {@code count} are on {@code loop}; all go to
	 * {@code opened}.
	 */
	private List<Connected> openOnLoop(EventLoop loop, int count, List<Connected> opened) {
		List<Connected> onLoop = new ArrayList<>();
		for (int i = 0; i < count * 16 && onLoop.size() < count; i++) {
			Connected connected = open("/api");
			opened.add(connected);
			if (loop(connected.session()) == loop) {
				onLoop.add(connected);
			}
		}
		assertThat(onLoop).as("connections on the publisher's loop").hasSize(count);
		return onLoop;
	}

	private static void subscribe(EventLoop loop, List<Connected> connections, String topic) throws Exception {
		loop.submit(() -> connections.forEach((connected) -> connected.session().subscribe(topic)))
			.get(10, TimeUnit.SECONDS);
	}

	/**
	 * The fewest bytes the loop allocated per publish in a round of {@link #PUBLISHES}.
	 */
	private static long bytesPerPublish(EventLoop loop, WsSession<?> publisher, String topic) throws Exception {
		long fewest = Long.MAX_VALUE;
		for (int round = 0; round < ROUNDS; round++) {
			long allocated = loop.submit(() -> {
				com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
					.getThreadMXBean();
				long before = threads.getCurrentThreadAllocatedBytes();
				for (String text : TEXTS) {
					publisher.publish(topic, text);
				}
				return threads.getCurrentThreadAllocatedBytes() - before;
			}).get(10, TimeUnit.SECONDS);
			fewest = Math.min(fewest, allocated);
		}
		return fewest / PUBLISHES;
	}

	private static EventLoop loop(WsSession<?> session) {
		return ((WsConnection) session).channel().eventLoop();
	}

}
