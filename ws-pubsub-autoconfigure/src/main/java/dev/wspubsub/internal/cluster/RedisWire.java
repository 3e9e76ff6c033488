package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The commands the Redis side sends, over whatever connections the deployment needs: one
 * Redis, Sentinel or a static master/replica setup through Lettuce's own client
 * ({@link LettuceRedisWire}), or a Redis Cluster through Lettuce's own cluster API
 * ({@link ClusterRedisWire}), where publishing and subscribing use shard channels and
 * each command goes to the master of its slot.
 */
interface RedisWire {

	/** PUBLISH, or SPUBLISH on a cluster, sent at once. */
	Mono<?> publish(ByteBuffer channel, ByteBuffer message);

	/**
	 * PUBLISH, or SPUBLISH on a cluster, written but held until {@link #flush()}: a burst
	 * of publishes then reaches Redis in a few writes, and Redis runs it in a few reads,
	 * instead of one write and one read per publish. Call from one thread, with the
	 * {@code flush()} that sends them.
	 * @return completes with Redis' answer; fails when not connected or when the command
	 * fails
	 */
	CompletionStage<?> publishUnflushed(ByteBuffer channel, ByteBuffer message);

	/** Sends what {@link #publishUnflushed} has written. */
	void flush();

	/**
	 * Fails the publishes of {@link #publishUnflushed} that Redis has not answered within
	 * the command timeout, where the wire keeps that timeout itself instead of the client
	 * library (see {@link PublishDeadlines}). Call from the thread that publishes, now
	 * and then.
	 * @return how many failed
	 */
	int expireUnansweredPublishes();

	/**
	 * Runs {@code script} by its digest, and by its text when Redis has not seen it yet
	 * (after a restart or failover, say); on a cluster on the master of the first key's
	 * slot.
	 * @return the script's answer, a list of bulk strings and integers
	 */
	Mono<List<Object>> eval(HistoryScripts.Script script, ByteBuffer[] keys, ByteBuffer[] args);

	/** The command a script publishes with: {@code PUBLISH} or {@code SPUBLISH}. */
	String publishCommand();

	/**
	 * Opens a subscription on a connection of its own.
	 * @param onChannelsMoved told when channels this subscription holds may have moved to
	 * another Redis (a cluster's topology changed, or Redis dropped a shard channel whose
	 * slot moved): subscribing them again puts them where they live now
	 */
	Mono<Subscription> subscription(Runnable onChannelsMoved);

	/** Closes the connections this wire opened for commands. */
	Mono<Void> close();

	/** A subscription to channels (shard channels on a cluster), never patterns. */
	interface Subscription {

		/** Completes when Redis has confirmed every channel. */
		Mono<Void> subscribe(ByteBuffer... channels);

		Mono<Void> unsubscribe(ByteBuffer... channels);

		/** The channels subscribed or on their way. */
		Set<ByteBuffer> channels();

		/**
		 * Every message of every channel; ends or fails when the subscription is lost.
		 */
		Flux<Message> receive();

		/** Closes the subscription's connection. */
		Mono<Void> cancel();

	}

	/**
	 * A message received on {@code channel} from {@code source}: the Redis node whose
	 * connection carried it (any fixed number for one Redis), since only the messages of
	 * one connection keep the order they were published in.
	 */
	record Message(ByteBuffer channel, ByteBuffer body, long source) {
	}

}
