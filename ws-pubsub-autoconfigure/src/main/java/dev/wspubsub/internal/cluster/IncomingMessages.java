package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The messages a subscription's Lettuce listener hears, as the {@link Flux} the fan-out
 * reads: with an unbounded demand, straight to the reader, no queue per message; messages
 * of several masters (several threads) serialized by the sink.
 */
final class IncomingMessages {

	private final Flux<RedisWire.Message> messages;

	private volatile @Nullable FluxSink<RedisWire.Message> sink;

	IncomingMessages() {
		this.messages = Flux.create((sink) -> {
			this.sink = sink;
			sink.onDispose(() -> this.sink = null);
		}, FluxSink.OverflowStrategy.IGNORE);
	}

	Flux<RedisWire.Message> flux() {
		return this.messages;
	}

	/**
	 * Called by the listener; dropped while nobody reads.
	 * @param source the Redis node that sent it, as {@link RedisWire.Message#source()}
	 */
	void heard(long source, byte[] channel, byte[] message) {
		FluxSink<RedisWire.Message> target = this.sink;
		if (target != null) {
			target.next(new RedisWire.Message(ByteBuffer.wrap(channel), ByteBuffer.wrap(message), source));
		}
	}

	/** Fails the reader's stream: the subscription is lost. */
	void fail(Throwable error) {
		FluxSink<RedisWire.Message> target = this.sink;
		if (target != null) {
			target.error(error);
		}
	}

	/** Ends the reader's stream: the subscription is closed. */
	void complete() {
		FluxSink<RedisWire.Message> target = this.sink;
		if (target != null) {
			target.complete();
		}
	}

}
