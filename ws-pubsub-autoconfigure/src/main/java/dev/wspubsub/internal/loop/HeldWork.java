package dev.wspubsub.internal.loop;

/**
 * Work for another event loop that holds a reference (a retained message or frame). When
 * that loop has shut down and refuses it, {@link #discard()} releases what it holds
 * instead of running it, so a publish racing a shutdown loses nothing but the delivery
 * itself.
 */
public interface HeldWork extends Runnable {

	/**
	 * Runs in place of {@link #run()} when the work cannot run: releases what it holds.
	 */
	void discard();

	/** {@code work}, with {@code discard} to run instead of it if its loop has gone. */
	static HeldWork of(Runnable work, Runnable discard) {
		return new HeldWork() {
			@Override
			public void run() {
				work.run();
			}

			@Override
			public void discard() {
				discard.run();
			}
		};
	}

}
