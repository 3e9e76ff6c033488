package dev.wspubsub.internal.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
		onLoop((cork) -> {
			int initialCapacity = cork.capacity();
			// Two connections, taking turns: one chain is always waiting when the
			// other is copied out, as on a loop that is never idle.
			int waitingFirst = cork.append(-1, message("a0"));
			int waitingLast = waitingFirst;
			for (int round = 1; round <= 10_000; round++) {
				int first = cork.append(-1, message("b" + round));
				cork.append(first, message("c" + round));
				waitingLast = cork.append(waitingLast, message("a" + round));
				assertThat(copyOut(cork, first)).isEqualTo("b" + round + "c" + round);
				if (round % 100 == 0) {
					// The waiting chain goes too, now and then, once another waits.
					int next = cork.append(-1, message("a"));
					copyOut(cork, waitingFirst);
					waitingFirst = next;
					waitingLast = next;
				}
			}
			assertThat(cork.capacity()).as("entries reused, not added").isEqualTo(initialCapacity);
			// The log holds what the waiting chains reach (at most 300 messages
			// here),
			// not every message since the last moment nothing waited.
			assertThat(cork.logCapacity()).as("log positions").isLessThanOrEqualTo(1024);
			assertThat(copyOut(cork, waitingFirst)).isEqualTo("a");
		});
	}

	@Test
	void aChainThatOutgrowsTheArraysComesOutWholeAndInOrder() throws Exception {
		onLoop((cork) -> {
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
		});
	}

	@Test
	void connectionsGivenTheSameMessagesShareOneCopyAndTheOthersGetTheirOwn() throws Exception {
		onLoop((cork) -> {
			OutboundMessage one = message("1");
			OutboundMessage two = message("2");
			OutboundMessage three = message("3");
			// Six connections' chains, appended message by message as deliveries
			// come.
			int[] firsts = new int[6];
			int[] lasts = new int[6];
			Arrays.fill(firsts, -1);
			Arrays.fill(lasts, -1);
			OutboundMessage[][] chains = { { one, two }, { one, two }, { one, three }, { one }, { one, two, three },
					{ one, two, three } };
			for (int step = 0; step < 3; step++) {
				for (int c = 0; c < chains.length; c++) {
					if (step < chains[c].length) {
						lasts[c] = cork.append(lasts[c], chains[c][step]);
						firsts[c] = (firsts[c] < 0) ? lasts[c] : firsts[c];
					}
				}
			}
			ByteBuf[] out = new ByteBuf[chains.length];
			for (int c = 0; c < chains.length; c++) {
				out[c] = cork.copyOut(firsts[c], ALLOC);
			}
			try {
				assertThat(Arrays.stream(out).map(CorkBufferTests::payloads)).containsExactly("12", "12", "13", "1",
						"123", "123");
				assertThat(out[1].memoryAddress()).as("the same frames, not copied again")
					.isEqualTo(out[0].memoryAddress());
				assertThat(out[5].memoryAddress()).isEqualTo(out[4].memoryAddress());
				assertThat(out[4].memoryAddress()).isNotEqualTo(out[0].memoryAddress());
			}
			finally {
				for (ByteBuf frames : out) {
					frames.release();
				}
			}
			// Every slice written: the buffer starts over at its front, over the
			// frames shared last; a chain of the same messages is copied anew.
			int again = cork.append(-1, one);
			cork.append(cork.append(again, two), three);
			int other = cork.append(-1, two);
			assertThat(copyOut(cork, other)).isEqualTo("2");
			assertThat(copyOut(cork, again)).isEqualTo("123");
			// Nothing waits now: the log starts over, and the same positions hold
			// other messages.
			assertThat(copyOut(cork, cork.append(-1, one))).isEqualTo("1");
			assertThat(copyOut(cork, cork.append(-1, two))).isEqualTo("2");
		});
	}

	@Test
	void aMessageWrittenTwiceToAConnectionGoesOutTwice() throws Exception {
		onLoop((cork) -> {
			OutboundMessage one = message("1");
			int first = cork.append(-1, one);
			int other = cork.append(-1, one);
			cork.append(cork.append(first, one), message("2"));
			cork.append(other, one);
			assertThat(copyOut(cork, first)).isEqualTo("112");
			assertThat(copyOut(cork, other)).isEqualTo("11");
		});
	}

	/** Runs {@code test} on the loop with its cork buffer, then releases the buffer. */
	private void onLoop(Consumer<CorkBuffer> test) throws Exception {
		this.loop.submit(() -> {
			try {
				test.accept(CorkBuffer.current());
			}
			finally {
				FastThreadLocal.removeAll(); // releases the loop's buffer
			}
		}).get(30, TimeUnit.SECONDS);
	}

	private static OutboundMessage message(String text) {
		return OutboundMessage.text(ALLOC, text, false);
	}

	/** The payloads of the chain from {@code first}, each frame's two-byte header cut. */
	private static String copyOut(CorkBuffer cork, int first) {
		ByteBuf frames = cork.copyOut(first, ALLOC);
		try {
			return payloads(frames);
		}
		finally {
			frames.release();
		}
	}

	private static String payloads(ByteBuf frames) {
		ByteBuf frame = frames.duplicate();
		StringBuilder payloads = new StringBuilder();
		while (frame.isReadable()) {
			frame.readByte(); // FIN and opcode
			int length = frame.readByte();
			payloads.append(frame.readCharSequence(length, StandardCharsets.UTF_8));
		}
		return payloads.toString();
	}

}
