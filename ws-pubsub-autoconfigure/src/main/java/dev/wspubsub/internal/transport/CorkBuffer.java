package dev.wspubsub.internal.transport;

import java.util.Arrays;
import java.util.Objects;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;

/**
 * One event loop's cork buffer, after uWebSockets': the small messages written to any of
 * the loop's connections during one batch of work wait here as references, each
 * connection's in a chain of its own; when a connection is flushed its chain is copied
 * into one buffer that the loop reuses, hot in the cache, and written as one slice of it.
 * A fresh buffer per connection and batch would be written to cold memory instead, which
 * profiles showed costing more than the copy itself.
 * <p>
 * A message goes into the loop's log once, however many of its connections get it, and a
 * chain is made of runs of consecutive log positions: the members of a room get each of
 * the room's messages one after the other, so a member's chain grows by widening its last
 * run, not by an entry per message, and members with the same runs share one copy of
 * their frames. An entry copied out is free for the next append: under load some chain is
 * always waiting, so entries are reused one by one rather than all at once when none
 * waits, and the log drops the positions no waiting run reaches. Touched only from its
 * own event loop.
 */
final class CorkBuffer {

	/**
	 * Size of the reused buffer; a chain is handed over before it outgrows a quarter of
	 * it.
	 */
	static final int CAPACITY = 64 * 1024;

	private static final int INITIAL_ENTRIES = 256;

	private static final FastThreadLocal<CorkBuffer> PER_LOOP = new FastThreadLocal<>() {
		@Override
		protected void onRemoval(CorkBuffer cork) {
			cork.releaseBuffer();
		}
	};

	/** The messages written since the log last started over, each once. */
	private @Nullable OutboundMessage[] log = new OutboundMessage[INITIAL_ENTRIES];

	private int logSize;

	/**
	 * An entry's run: its first log position, {@code -1} for a free entry, and the
	 * position after its last.
	 */
	private int[] runStart = new int[INITIAL_ENTRIES];

	private int[] runEnd = new int[INITIAL_ENTRIES];

	/**
	 * The next entry of the same connection's chain, {@code -1} at its end; for a free
	 * entry, the next free one.
	 */
	private int[] next = new int[INITIAL_ENTRIES];

	/** Entries ever used since the arrays last started over. */
	private int size;

	/** The first of the entries copied out below {@link #size}, {@code -1} if none. */
	private int free = -1;

	/**
	 * Entries not yet copied out; the arrays and the log start over when none is left.
	 */
	private int pending;

	private @Nullable ByteBuf buffer;

	/** A chain is handed over before it outgrows this ({@link Outbound}). */
	private byte[] staging = new byte[CAPACITY / 4];

	/**
	 * The runs of the chain copied out last, {@link #lastRuns} of them ({@code -1} for
	 * none), and where in the buffer its frames are: nothing is written there until the
	 * next chain is copied.
	 */
	private int[] lastStart = new int[16];

	private int[] lastEnd = new int[16];

	private int lastRuns = -1;

	private int lastOffset;

	private int lastLength;

	/** The cork buffer of the calling event loop. */
	static CorkBuffer current() {
		CorkBuffer cork = PER_LOOP.get();
		if (cork == null) {
			cork = new CorkBuffer();
			PER_LOOP.set(cork);
		}
		return cork;
	}

	/**
	 * Appends {@code message} to the chain that ends at {@code last}.
	 * @param last the chain's last entry, {@code -1} to start a chain
	 * @return the chain's last entry now
	 */
	int append(int last, OutboundMessage message) {
		int position = position(message);
		if (last >= 0 && this.runEnd[last] == position) {
			this.runEnd[last] = position + 1;
			return last;
		}
		int entry = this.free;
		if (entry >= 0) {
			this.free = this.next[entry];
		}
		else {
			entry = this.size;
			if (entry == this.next.length) {
				// Only as many entries as wait at once: the arrays stop growing.
				this.runStart = Arrays.copyOf(this.runStart, entry * 2);
				this.runEnd = Arrays.copyOf(this.runEnd, entry * 2);
				this.next = Arrays.copyOf(this.next, entry * 2);
			}
			this.size = entry + 1;
		}
		this.runStart[entry] = position;
		this.runEnd[entry] = position + 1;
		this.next[entry] = -1;
		if (last >= 0) {
			this.next[last] = entry;
		}
		this.pending++;
		return entry;
	}

	/**
	 * Where {@code message} goes: the log's last position when that holds it (the next
	 * member of the room), a new one otherwise. A chain given the same message twice
	 * names its position twice.
	 */
	private int position(OutboundMessage message) {
		int tail = this.logSize - 1;
		if (tail >= 0 && this.log[tail] == message) {
			return tail;
		}
		if (this.logSize == this.log.length) {
			makeRoomInLog();
		}
		this.log[this.logSize] = message;
		return this.logSize++;
	}

	/**
	 * Drops the log's positions below every waiting run when that frees half of it, else
	 * doubles it: it holds only what the runs still waiting reach.
	 */
	private void makeRoomInLog() {
		int lowest = this.logSize;
		for (int entry = 0; entry < this.size; entry++) {
			int start = this.runStart[entry];
			if (start >= 0 && start < lowest) {
				lowest = start;
			}
		}
		if (lowest < this.logSize / 2) {
			this.log = Arrays.copyOf(this.log, this.log.length * 2);
			return;
		}
		int kept = this.logSize - lowest;
		System.arraycopy(this.log, lowest, this.log, 0, kept);
		Arrays.fill(this.log, kept, this.logSize, null);
		this.logSize = kept;
		for (int entry = 0; entry < this.size; entry++) {
			if (this.runStart[entry] >= 0) {
				this.runStart[entry] -= lowest;
				this.runEnd[entry] -= lowest;
			}
		}
		// Its runs name positions that have moved.
		this.lastRuns = -1;
	}

	/** Entries the arrays hold room for. */
	int capacity() {
		return this.next.length;
	}

	/** Positions the log holds room for. */
	int logCapacity() {
		return this.log.length;
	}

	/**
	 * Copies the chain starting at {@code first} into the loop's buffer; a chain of the
	 * same runs as the one copied out last shares its bytes instead, as the members of
	 * one room on one loop get the same frames in the same batch.
	 * @return a retained slice holding exactly the chain's frames, for the channel to
	 * write
	 */
	ByteBuf copyOut(int first, ByteBufAllocator alloc) {
		// One pass: while the chain matches the last one nothing is copied; at the first
		// difference the runs matched so far (the last chain's first ones) are staged,
		// then the rest.
		int lastRuns = (this.buffer != null) ? this.lastRuns : -1;
		boolean matching = lastRuns >= 0;
		int runs = 0;
		int staged = 0;
		int entry = first;
		while (entry >= 0) {
			int start = this.runStart[entry];
			int end = this.runEnd[entry];
			entry = free(entry);
			if (matching) {
				if (runs < lastRuns && this.lastStart[runs] == start && this.lastEnd[runs] == end) {
					runs++;
					continue;
				}
				matching = false;
				staged = stageLastRuns(runs);
			}
			staged = stage(start, end, staged);
			if (runs == this.lastStart.length) {
				this.lastStart = Arrays.copyOf(this.lastStart, runs * 2);
				this.lastEnd = Arrays.copyOf(this.lastEnd, runs * 2);
			}
			this.lastStart[runs] = start;
			this.lastEnd[runs] = end;
			runs++;
		}
		ByteBuf frames;
		if (matching && runs == lastRuns) {
			frames = Objects.requireNonNull(this.buffer).retainedSlice(this.lastOffset, this.lastLength);
		}
		else {
			if (matching) {
				// A shorter chain: the last one's first runs, no more.
				staged = stageLastRuns(runs);
			}
			ByteBuf target = writableBuffer(staged, alloc);
			int offset = target.writerIndex();
			target.writeBytes(this.staging, 0, staged);
			this.lastRuns = runs;
			this.lastOffset = offset;
			this.lastLength = staged;
			frames = target.retainedSlice(offset, staged);
		}
		if (this.pending == 0) {
			startOver();
		}
		return frames;
	}

	/** Stages the frames of the last chain's first {@code runs} runs, from the start. */
	private int stageLastRuns(int runs) {
		int staged = 0;
		for (int i = 0; i < runs; i++) {
			staged = stage(this.lastStart[i], this.lastEnd[i], staged);
		}
		return staged;
	}

	/**
	 * Adds the frames of the log's positions from {@code start} to {@code end} to
	 * {@link #staging}, after {@code staged} bytes: a chain's frames are gathered there
	 * with plain array stores, then written to the buffer in one call; a buffer write per
	 * frame checks the buffer's bounds and reference count each time, which profiles
	 * showed costing more than the copy.
	 * @return the bytes staged now
	 */
	@SuppressWarnings("NullAway") // positions below logSize hold messages
	private int stage(int start, int end, int staged) {
		byte[] staging = this.staging;
		int length = staged;
		for (int position = start; position < end; position++) {
			if (staging.length - length < OutboundMessage.SMALL_FRAME_MAX) {
				staging = Arrays.copyOf(staging,
						Math.max(length + OutboundMessage.SMALL_FRAME_MAX, staging.length * 2));
				this.staging = staging;
			}
			length += this.log[position].copySmallFrameTo(staging, length);
		}
		return length;
	}

	/**
	 * Frees {@code entry} for the next append.
	 * @return the entry that followed it in its chain
	 */
	private int free(int entry) {
		this.runStart[entry] = -1;
		int following = this.next[entry];
		this.next[entry] = this.free;
		this.free = entry;
		this.pending--;
		return following;
	}

	/**
	 * No chain waits: the entries and the log start over, and the last chain's runs name
	 * positions that will hold other messages.
	 */
	private void startOver() {
		this.size = 0;
		this.free = -1;
		Arrays.fill(this.log, 0, this.logSize, null);
		this.logSize = 0;
		this.lastRuns = -1;
	}

	private ByteBuf writableBuffer(int bytes, ByteBufAllocator alloc) {
		ByteBuf current = this.buffer;
		if (current != null && current.refCnt() == 1) {
			// Every slice handed out has been written and released: start over at the
			// front, still in the cache.
			current.clear();
		}
		if (current == null || current.writableBytes() < bytes) {
			if (current != null) {
				current.release(); // the slices not yet written keep it alive
			}
			current = alloc.directBuffer(Math.max(CAPACITY, bytes));
			this.buffer = current;
		}
		return current;
	}

	private void releaseBuffer() {
		if (this.buffer != null) {
			this.buffer.release();
			this.buffer = null;
		}
	}

}
