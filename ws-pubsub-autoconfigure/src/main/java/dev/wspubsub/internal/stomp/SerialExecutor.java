package dev.wspubsub.internal.stomp;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

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

	// Tasks queued and not yet run. A run goes on until this falls to zero, so a task is
	// never left queued with no run to take it, and the pool is asked again only when
	// none is going.
	private final AtomicInteger pending = new AtomicInteger();

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
		if (this.pending.getAndIncrement() == 0) {
			try {
				this.pool.execute(this::drain);
			}
			catch (RuntimeException rejected) {
				// No run was going (the count was zero), so nothing else has taken it.
				this.tasks.remove(task);
				this.pending.decrementAndGet();
				throw rejected;
			}
		}
	}

	private void drain() {
		do {
			Runnable task = this.tasks.poll();
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("STOMP application task failed", ex);
			}
		}
		while (this.pending.decrementAndGet() > 0);
	}

}
