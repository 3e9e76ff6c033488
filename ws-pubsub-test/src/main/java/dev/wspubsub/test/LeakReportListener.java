package dev.wspubsub.test;

import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Makes Netty report leaks before the test JVM exits. Netty's detector only reports a
 * buffer once the garbage collector has found it unreachable and a later allocation polls
 * for it, which a short test run may never do. When leak detection is turned up
 * ({@code -Dio.netty.leakDetection.level=advanced|paranoid}), this collects garbage after
 * the last test and allocates a few tracked buffers so every leak prints its
 * {@code LEAK:} line. Registered through {@code META-INF/services}; does nothing
 * otherwise.
 */
public final class LeakReportListener implements TestExecutionListener {

	private static final int ROUNDS = 3;

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		String level = System.getProperty("io.netty.leakDetection.level", "").toLowerCase(Locale.ROOT);
		if (!level.equals("paranoid") && !level.equals("advanced") || !nettyPresent()) {
			return;
		}
		NettyProbe.collectAndPoll();
	}

	/**
	 * Touches Netty only once it is known to be present, so this listener loads without
	 * it.
	 */
	private static final class NettyProbe {

		static void collectAndPoll() {
			for (int i = 0; i < ROUNDS; i++) {
				System.gc();
				for (int j = 0; j < 64; j++) {
					ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
					pooled.release();
					ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(16);
					unpooled.release();
				}
			}
		}

	}

	private static boolean nettyPresent() {
		try {
			Class.forName("io.netty.buffer.ByteBuf", false, LeakReportListener.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

}
