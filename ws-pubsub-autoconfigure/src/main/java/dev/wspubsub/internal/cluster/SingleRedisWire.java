package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.connection.ReturnType;

/**
 * A reactive connection factory other than Spring Data's Lettuce one, through its
 * reactive connection: classic PUBLISH and SUBSCRIBE, each publish sent on its own
 * (Spring Data shares one connection, so it cannot hold writes back). One Redis, Sentinel
 * and a static master/replica setup go through {@link LettuceRedisWire}.
 */
final class SingleRedisWire implements RedisWire {

	private final ReactiveRedisConnection connection;

	SingleRedisWire(ReactiveRedisConnection connection) {
		this.connection = connection;
	}

	@Override
	public Mono<?> publish(ByteBuffer channel, ByteBuffer message) {
		return this.connection.pubSubCommands().publish(channel, message);
	}

	@Override
	public CompletionStage<?> publishUnflushed(ByteBuffer channel, ByteBuffer message) {
		return publish(channel, message).toFuture();
	}

	@Override
	public void flush() {
		// each publish is sent at once
	}

	@Override
	public int expireUnansweredPublishes() {
		return 0; // Spring Data's connection times its commands out itself
	}

	@Override
	public Mono<List<Object>> eval(HistoryScripts.Script script, ByteBuffer[] keys, ByteBuffer[] args) {
		Flux<Object> byDigest = this.connection.scriptingCommands()
			.evalSha(script.sha(), ReturnType.MULTI, keys.length, keysAndArgs(keys, args));
		return byDigest
			.onErrorResume(HistoryScripts::isNoScript,
					(error) -> this.connection.scriptingCommands()
						.eval(script.text().duplicate(), ReturnType.MULTI, keys.length, keysAndArgs(keys, args)))
			.collectList()
			.map(SingleRedisWire::flatten);
	}

	@Override
	public String publishCommand() {
		return "PUBLISH";
	}

	// Depending on the client, a MULTI reply comes as one list or as its elements.
	@SuppressWarnings("unchecked")
	private static List<Object> flatten(List<Object> reply) {
		return (reply.size() == 1 && reply.get(0) instanceof List<?> list) ? (List<Object>) list : reply;
	}

	private static ByteBuffer[] keysAndArgs(ByteBuffer[] keys, ByteBuffer[] args) {
		ByteBuffer[] all = new ByteBuffer[keys.length + args.length];
		for (int i = 0; i < keys.length; i++) {
			all[i] = keys[i].duplicate();
		}
		for (int i = 0; i < args.length; i++) {
			all[keys.length + i] = args[i].duplicate();
		}
		return all;
	}

	@Override
	public Mono<Subscription> subscription(Runnable onChannelsMoved) {
		// One Redis: channels never move.
		return this.connection.pubSubCommands().createSubscription().map(Single::new);
	}

	@Override
	public Mono<Void> close() {
		return this.connection.closeLater();
	}

	private record Single(ReactiveSubscription subscription) implements Subscription {

		@Override
		public Mono<Void> subscribe(ByteBuffer... channels) {
			return this.subscription.subscribe(channels);
		}

		@Override
		public Mono<Void> unsubscribe(ByteBuffer... channels) {
			return this.subscription.unsubscribe(channels);
		}

		@Override
		public Set<ByteBuffer> channels() {
			return this.subscription.getChannels();
		}

		@Override
		public Flux<Message> receive() {
			return this.subscription.receive()
				.map((message) -> new Message(message.getChannel(), message.getMessage(), 0));
		}

		@Override
		public Mono<Void> cancel() {
			return this.subscription.cancel();
		}

	}

}
