package dev.wspubsub.internal.endpoint;

import java.util.concurrent.TimeUnit;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contexts of message calls: lent on an event loop and reused, never shared by two
 * calls in progress, holding no message once handed back, and copied for a call that runs
 * later on another thread, so the next message lent the same one cannot change what that
 * call reads.
 */
class CallContextTests {

	private final EventLoop loop = new DefaultEventLoop();

	@AfterEach
	void shutDown() {
		this.loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void aCallInsideAnotherGetsItsOwnContextAndEachIsEmptiedWhenHandedBack() throws Exception {
		this.loop.submit(() -> {
			CallContext outer = CallContext.of(null, "first");
			CallContext inner = CallContext.of(null, "second"); // a handler run by the
																// outer one
			assertThat(inner).isNotSameAs(outer);
			assertThat(inner.payload()).isEqualTo("second");
			inner.giveBack();
			assertThat(outer.payload()).isEqualTo("first");
			outer.giveBack();
			assertThat(outer.payload()).as("no message held after the call").isNull();
			assertThat(CallContext.of(null, "third")).as("reused on the loop").isSameAs(outer);
		}).get(5, TimeUnit.SECONDS);
	}

	@Test
	void aKeptContextKeepsItsMessageWhileTheNextMessageIsLentTheSameOne() throws Exception {
		this.loop.submit(() -> {
			CallContext lent = CallContext.of(null, "queued for the pool");
			CallContext kept = lent.keep();
			CallContext next = CallContext.of(null, "the next message");
			assertThat(next).as("the lent one is free again").isSameAs(lent);
			assertThat(kept).isNotSameAs(next);
			assertThat(kept.payload()).isEqualTo("queued for the pool");
			next.giveBack();
			kept.giveBack(); // not lent: stays as it is, and is not made the spare
			assertThat(kept.payload()).isEqualTo("queued for the pool");
			assertThat(CallContext.of(null, "later")).isSameAs(lent);
		}).get(5, TimeUnit.SECONDS);
	}

	@Test
	void offTheEventLoopsEveryCallGetsAFreshContext() {
		CallContext first = CallContext.of(null, "first");
		first.giveBack();
		assertThat(CallContext.of(null, "second")).isNotSameAs(first);
		assertThat(first.keep()).as("not lent, so nothing to copy").isSameAs(first);
	}

}
