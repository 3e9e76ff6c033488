package dev.wspubsub.internal.stomp;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs one session's tasks on a shared pool one at a time, in order: controller methods
 * may block (Spring's Servlet STOMP runs them on a pool too), and a client's frames must
 * still be handled in the order it sent them.
 */
final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	private final Executor pool;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean draining = new AtomicBoolean();

	SerialExecutor(Executor pool) {
		this.pool = pool;
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		schedule();
	}

	private void schedule() {
		if (!this.tasks.isEmpty() && this.draining.compareAndSet(false, true)) {
			this.pool.execute(this::drain);
		}
	}

	private void drain() {
		try {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.warn("STOMP application task failed", ex);
				}
			}
		}
		finally {
			this.draining.set(false);
			schedule(); // a task added after the last poll, before the flag dropped
		}
	}

}
