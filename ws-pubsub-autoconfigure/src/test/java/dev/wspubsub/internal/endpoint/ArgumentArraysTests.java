package dev.wspubsub.internal.endpoint;

import java.util.concurrent.TimeUnit;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The argument arrays handler calls borrow: reused on an event loop, never shared by two
 * calls in progress, and holding no argument after a call.
 */
class ArgumentArraysTests {

	private final EventLoop loop = new DefaultEventLoop();

	@AfterEach
	void shutDown() {
		this.loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void aCallInsideAnotherGetsItsOwnArrayAndEachIsEmptiedWhenHandedBack() throws Exception {
		this.loop.submit(() -> {
			Object[] outer = ArgumentArrays.borrow(2);
			outer[0] = "session";
			outer[1] = "message";
			Object[] inner = ArgumentArrays.borrow(2); // a handler run by the outer one
			assertThat(inner).isNotSameAs(outer).containsOnlyNulls();
			ArgumentArrays.giveBack(inner);
			assertThat(outer).containsExactly("session", "message");
			ArgumentArrays.giveBack(outer);
			assertThat(outer).as("no message held after the call").containsOnlyNulls();
			assertThat(ArgumentArrays.borrow(2)).as("reused on the loop").isSameAs(outer);
		}).get(5, TimeUnit.SECONDS);
	}

	@Test
	void offTheEventLoopsEveryCallGetsAFreshArray() {
		Object[] first = ArgumentArrays.borrow(2);
		ArgumentArrays.giveBack(first);
		assertThat(ArgumentArrays.borrow(2)).isNotSameAs(first);
	}

}
