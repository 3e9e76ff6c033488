package dev.wspubsub.internal.cluster;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which publications this node has delivered, by the id each sender gives them, so a
 * publication Redis carries twice (a sender resends when Redis ran its command but the
 * reply was lost) reaches local subscribers once.
 *
 * <p>
 * A sender is one start of one node (its incarnation: a node id may be configured, and a
 * restarted node numbers from 1 again). Its ids grow in the order it queues publishes,
 * and a resend goes out before anything queued after it, so a duplicate arrives at most
 * about {@code 2 × max in flight} ids behind the newest: each sender keeps a ring of the
 * last {@value #WINDOW} ids (512 bytes), and an id older than that counts as delivered.
 * At most {@code maxSenders} senders are kept; past that the one heard from longest ago
 * is forgotten. One lock per sender, one map lookup per publication.
 */
final class DeliveredIds {

	/** Ids remembered per sender; a power of two, at least twice the in-flight bound. */
	static final int WINDOW = 4096;

	private static final int WORDS = WINDOW / Long.SIZE;

	private final Map<Long, Window> windows = new ConcurrentHashMap<>();

	private final int maxSenders;

	DeliveredIds(int maxSenders) {
		this.maxSenders = maxSenders;
	}

	/**
	 * Records that the publication {@code id} of sender {@code incarnation} is delivered
	 * now.
	 * @param source the Redis node it came from ({@link RedisWire.Message#source()}): on
	 * a cluster a sender's publications travel through several masters, whose streams
	 * reach this node at their own pace, so ids are in order (and a resend close behind)
	 * only within what one master carries; one window for all of them took the ids of a
	 * master running behind the others for old ones, and dropped publications never
	 * delivered
	 * @return {@code false} when it was delivered before (or is too old to tell): drop it
	 */
	boolean firstDelivery(long incarnation, long source, long id) {
		// A random 64-bit incarnation and a node's number mixed: distinct in practice.
		long key = incarnation ^ (source * 0x9E3779B97F4A7C15L);
		Window window = this.windows.get(key);
		if (window == null) {
			window = addSender(key);
		}
		return window.mark(id);
	}

	int senders() {
		return this.windows.size();
	}

	private Window addSender(long incarnation) {
		if (this.windows.size() >= this.maxSenders) {
			forgetStalest();
		}
		return this.windows.computeIfAbsent(incarnation, (key) -> new Window());
	}

	// Rare (a new sender while full), so a scan is fine.
	private void forgetStalest() {
		Long stalest = null;
		long oldest = Long.MAX_VALUE;
		for (Map.Entry<Long, Window> entry : this.windows.entrySet()) {
			long touched = entry.getValue().touched;
			if (touched < oldest) {
				oldest = touched;
				stalest = entry.getKey();
			}
		}
		if (stalest != null) {
			this.windows.remove(stalest);
		}
	}

	/** The last {@value #WINDOW} ids of one sender, one bit each in a ring. */
	private static final class Window {

		private final long[] bits = new long[WORDS];

		private long highest = Long.MIN_VALUE;

		volatile long touched = System.nanoTime();

		synchronized boolean mark(long id) {
			this.touched = System.nanoTime();
			if (this.highest == Long.MIN_VALUE || id > this.highest) {
				if (this.highest != Long.MIN_VALUE) {
					clear(this.highest + 1, id);
				}
				this.highest = id;
				set(id);
				return true;
			}
			if (this.highest - id >= WINDOW) {
				return false;
			}
			int index = (int) (id & (WINDOW - 1));
			long mask = 1L << index;
			long word = this.bits[index >>> 6];
			if ((word & mask) != 0) {
				return false;
			}
			this.bits[index >>> 6] = word | mask;
			return true;
		}

		private void set(long id) {
			int index = (int) (id & (WINDOW - 1));
			this.bits[index >>> 6] |= 1L << index;
		}

		// Forgets the ring positions the ids from..to take over.
		private void clear(long from, long to) {
			if (to - from + 1 >= WINDOW) {
				Arrays.fill(this.bits, 0);
				return;
			}
			for (long id = from; id <= to;) {
				int index = (int) (id & (WINDOW - 1));
				int bit = index & 63;
				long left = to - id + 1;
				if (bit == 0 && left >= 64) {
					this.bits[index >>> 6] = 0;
					id += 64;
				}
				else {
					this.bits[index >>> 6] &= ~(1L << bit);
					id++;
				}
			}
		}

	}

}
