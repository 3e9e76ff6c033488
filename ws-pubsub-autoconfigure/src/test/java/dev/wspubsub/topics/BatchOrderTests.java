package dev.wspubsub.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.WsSession;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.testapp.SemanticsTestSupport;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages written during one batch of an event loop's work wait in the loop's cork
 * buffer and go out together: whatever their sizes, however many, and however the writes
 * to the loop's connections interleave, each connection gets exactly its own, in order.
 */
class BatchOrderTests extends SemanticsTestSupport {

	@Test
	void smallAndLargeMessagesOfOneBatchArriveInTheOrderTheyWereSent() throws Exception {
		try (Connected c = open("/api")) {
			// About 90 KB of small frames, well past what one connection's batch holds,
			// with larger ones among them.
			List<String> sent = new ArrayList<>();
			for (int i = 0; i < 3000; i++) {
				sent.add((i % 500 == 250) ? "large-" + i + "-" + "x".repeat(5000) : "small-" + i + "-of-one-batch");
			}
			onItsEventLoop(c.session(), () -> sent.forEach((text) -> c.session().sendText(text)));
			assertThat(c.client().awaitMessages(sent.size(), TIMEOUT)).isEqualTo(sent);
		}
	}

	@Test
	void connectionsOfOneLoopWrittenInTurnEachGetTheirOwnMessagesInOrder() throws Exception {
		List<Connected> opened = new ArrayList<>();
		try {
			List<Connected> sameLoop = openTwoOnOneLoop(opened);
			Connected first = sameLoop.get(0);
			Connected second = sameLoop.get(1);
			List<String> toFirst = new ArrayList<>();
			List<String> toSecond = new ArrayList<>();
			onItsEventLoop(first.session(), () -> {
				for (int i = 0; i < 1000; i++) {
					toFirst.add("first-" + i);
					first.session().sendText("first-" + i);
					if (i % 3 != 0) {
						toSecond.add("second-" + i);
						second.session().sendText("second-" + i);
					}
				}
			});
			assertThat(first.client().awaitMessages(toFirst.size(), TIMEOUT)).isEqualTo(toFirst);
			assertThat(second.client().awaitMessages(toSecond.size(), TIMEOUT)).isEqualTo(toSecond);
		}
		finally {
			opened.forEach(Connected::close);
		}
	}

	/**
	 * Opens connections until two share an event loop; every one opened is added to
	 * {@code opened}.
	 */
	private List<Connected> openTwoOnOneLoop(List<Connected> opened) {
		Map<EventLoop, Connected> byLoop = new HashMap<>();
		for (int i = 0; i < 64; i++) {
			Connected connected = open("/api");
			opened.add(connected);
			Connected earlier = byLoop.putIfAbsent(loop(connected.session()), connected);
			if (earlier != null) {
				return List.of(earlier, connected);
			}
		}
		throw new AssertionError("64 connections and no two on one event loop");
	}

	private static void onItsEventLoop(WsSession<?> session, Runnable writes) throws Exception {
		loop(session).submit(writes).get(10, TimeUnit.SECONDS);
	}

	private static EventLoop loop(WsSession<?> session) {
		return ((WsConnection) session).channel().eventLoop();
	}

}
