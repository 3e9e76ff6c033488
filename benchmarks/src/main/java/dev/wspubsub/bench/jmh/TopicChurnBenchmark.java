package dev.wspubsub.bench.jmh;

import java.util.concurrent.TimeUnit;

import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.OutboundMessage;
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
 * Subscribe/unsubscribe churn on a topic that already holds {@code resident} subscribers:
 * alone, on a topic created and removed each time, and interleaved with publishes, where
 * each change replaces the group of its own event loop (the publishes regroup nothing).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicChurnBenchmark {

	@Param({ "0", "1000", "10000" })
	int resident;

	private TopicRegistry registry;

	private OutboundMessage message;

	private final Subscribers.Counting churner = new Subscribers.Counting();

	@Setup
	public void setUp() {
		this.registry = new TopicRegistry();
		for (int i = 0; i < this.resident; i++) {
			this.registry.subscribe("room", new Subscribers.Counting());
		}
		this.message = OutboundMessage.text(PooledByteBufAllocator.DEFAULT, "Client7: Hello World! 17", false);
	}

	/** Join and leave a busy topic. */
	@Benchmark
	public boolean subscribeUnsubscribe() {
		this.registry.subscribe("room", this.churner);
		return this.registry.unsubscribe("room", this.churner);
	}

	/** Join and leave a topic of one's own: it is created and removed each time. */
	@Benchmark
	public boolean ownTopic() {
		this.registry.subscribe("private", this.churner);
		return this.registry.unsubscribe("private", this.churner);
	}

	/**
	 * Join, publish, leave, publish: two group replacements per operation, none by a
	 * publish.
	 */
	@Benchmark
	public int churnWithPublishes() {
		this.registry.subscribe("room", this.churner);
		int delivered = this.registry.deliver("room", this.message, null);
		this.registry.unsubscribe("room", this.churner);
		return delivered + this.registry.deliver("room", this.message, null);
	}

	@TearDown
	public void tearDown() {
		this.message.release();
	}

}
