package dev.wspubsub.sample.chat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lowers Netty's leak detector from the suite's {@code paranoid} to {@code simple} for a
 * test class that compares latencies, and restores it afterwards. At {@code paranoid}
 * every buffer access records a stack trace: a chat server delivering 4,000 messages a
 * second spends more time in the detector than delivering, and its p99 measures the
 * detector (0.1 to 1.2 s from run to run, against about 1 ms at {@code simple}).
 * {@code simple} still reports a leak, from a sample of the buffers.
 */
final class SampledLeakDetection implements BeforeAllCallback, AfterAllCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(SampledLeakDetection.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		ResourceLeakDetector.Level suiteLevel = ResourceLeakDetector.getLevel();
		context.getStore(NAMESPACE).put(ResourceLeakDetector.Level.class, suiteLevel);
		if (suiteLevel.ordinal() > ResourceLeakDetector.Level.SIMPLE.ordinal()) {
			ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		ResourceLeakDetector.setLevel(
				context.getStore(NAMESPACE).get(ResourceLeakDetector.Level.class, ResourceLeakDetector.Level.class));
	}

}
