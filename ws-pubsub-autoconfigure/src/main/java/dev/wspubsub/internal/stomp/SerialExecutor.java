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

	/**
	 * Queues {@code task}; when the pool refuses to start this session's run, the task is
	 * taken back and the refusal thrown, so the caller can tell the client it was not
	 * run.
	 */
	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		try {
			schedule();
		}
		catch (RuntimeException rejected) {
			this.tasks.remove(task);
			throw rejected;
		}
	}

	private void schedule() {
		if (!this.tasks.isEmpty() && this.draining.compareAndSet(false, true)) {
			try {
				this.pool.execute(this::drain);
			}
			catch (RuntimeException rejected) {
				// Not running: the next task tries again, instead of queueing behind a
				// run
				// that never starts.
				this.draining.set(false);
				throw rejected;
			}
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
			try {
				schedule(); // a task added after the last poll, before the flag dropped
			}
			catch (RuntimeException rejected) {
				logger.warn("STOMP application tasks wait for the next one: the pool refused to run them", rejected);
			}
		}
	}

}
