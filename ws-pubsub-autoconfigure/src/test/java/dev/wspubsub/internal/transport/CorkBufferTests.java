package dev.wspubsub.internal.transport;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One loop's cork buffer: each connection's frames come out in order, and under a load
 * where some connection's chain always waits, its arrays stay the size of what waits at
 * once instead of growing with every message since the last moment nothing waited.
 */
class CorkBufferTests {

	private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

	private final EventLoop loop = new DefaultEventLoop();

	@AfterEach
	void shutDown() {
		this.loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void entriesCopiedOutAreReusedWhileAnotherChainStillWaits() throws Exception {
		this.loop.submit(() -> {
			try {
				CorkBuffer cork = CorkBuffer.current();
				int initialCapacity = cork.capacity();
				// Two connections, taking turns: one chain is always waiting when the
				// other is copied out, as on a loop that is never idle.
				int waitingFirst = cork.append(-1, message("a0"));
				int waitingLast = waitingFirst;
				for (int round = 1; round <= 10_000; round++) {
					int first = cork.append(-1, message("b" + round));
					cork.append(first, message("c" + round));
					waitingLast = cork.append(waitingLast, message("a" + round));
					assertThat(copyOut(cork, first, "b" + round, "c" + round)).isEqualTo("b" + round + "c" + round);
					if (round % 100 == 0) {
						// The waiting chain goes too, now and then, once another waits.
						int next = cork.append(-1, message("a"));
						copyOut(cork, waitingFirst);
						waitingFirst = next;
						waitingLast = next;
					}
				}
				assertThat(cork.capacity()).as("entries reused, not added").isEqualTo(initialCapacity);
				assertThat(copyOut(cork, waitingFirst)).isEqualTo("a");
			}
			finally {
				FastThreadLocal.removeAll(); // releases the loop's buffer
			}
		}).get(30, TimeUnit.SECONDS);
	}

	@Test
	void aChainThatOutgrowsTheArraysComesOutWholeAndInOrder() throws Exception {
		this.loop.submit(() -> {
			try {
				CorkBuffer cork = CorkBuffer.current();
				int count = cork.capacity() * 3;
				int first = -1;
				int last = -1;
				StringBuilder expected = new StringBuilder();
				for (int i = 0; i < count; i++) {
					last = cork.append(last, message(Integer.toString(i % 10)));
					first = (first < 0) ? last : first;
					expected.append(i % 10);
				}
				assertThat(copyOut(cork, first)).isEqualTo(expected.toString());
			}
			finally {
				FastThreadLocal.removeAll();
			}
		}).get(30, TimeUnit.SECONDS);
	}

	private static OutboundMessage message(String text) {
		return OutboundMessage.text(ALLOC, text, false);
	}

	/** The payloads of the chain from {@code first}, each frame's two-byte header cut. */
	private static String copyOut(CorkBuffer cork, int first, String... texts) {
		int bytes = 0;
		for (String text : texts) {
			bytes += 2 + text.length();
		}
		ByteBuf frames = cork.copyOut(first, (bytes > 0) ? bytes : 1024, ALLOC);
		try {
			StringBuilder payloads = new StringBuilder();
			while (frames.isReadable()) {
				frames.readByte(); // FIN and opcode
				int length = frames.readByte();
				payloads.append(frames.readCharSequence(length, StandardCharsets.UTF_8));
			}
			return payloads.toString();
		}
		finally {
			frames.release();
		}
	}

}
