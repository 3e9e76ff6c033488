package dev.wspubsub.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One publish fanned out by {@link TopicRegistry#deliver} to a topic's subscribers, all
 * on the publishing thread. Divide the time per operation by {@code subscribers} for the
 * cost per delivered message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicDeliverBenchmark {

	@Param({ "1", "16", "1000", "10000" })
	int subscribers;

	/**
	 * {@code counting}: registry and refcounts only; {@code channel}: plus a pipeline
	 * write each.
	 */
	@Param({ "counting", "channel" })
	String kind;

	private TopicRegistry registry;

	private OutboundMessage message;

	private final List<Subscribers.Channel> channels = new ArrayList<>();

	@Setup
	public void setUp() {
		this.registry = new TopicRegistry();
		for (int i = 0; i < this.subscribers; i++) {
			TopicSubscriber subscriber;
			if (this.kind.equals("channel")) {
				Subscribers.Channel channel = new Subscribers.Channel();
				this.channels.add(channel);
				subscriber = channel;
			}
			else {
				subscriber = new Subscribers.Counting();
			}
			this.registry.subscribe("room", subscriber);
		}
		// The chat benchmark's message, "NAME: M"
		this.message = OutboundMessage.text(PooledByteBufAllocator.DEFAULT, "Client7: Hello World! 17", false);
	}

	@Benchmark
	public int deliver() {
		return this.registry.deliver("room", this.message, null);
	}

	@TearDown
	public void tearDown() {
		this.message.release();
		for (Subscribers.Channel channel : this.channels) {
			channel.channel.finishAndReleaseAll();
		}
		this.channels.clear();
	}

}
