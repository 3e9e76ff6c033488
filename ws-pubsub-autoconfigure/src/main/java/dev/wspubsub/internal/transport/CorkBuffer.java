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
 * profiles showed costing more than the copy itself. An entry copied out is free for the
 * next append: under load some chain is always waiting, so entries are reused one by one
 * rather than all at once when none waits. Touched only from its own event loop.
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

	private OutboundMessage[] messages = new OutboundMessage[INITIAL_ENTRIES];

	/**
	 * The next entry of the same connection's chain, {@code -1} at its end; for a free
	 * entry, the next free one.
	 */
	private int[] next = new int[INITIAL_ENTRIES];

	/** Entries ever used since the arrays last started over. */
	private int size;

	/** The first of the entries copied out below {@link #size}, {@code -1} if none. */
	private int free = -1;

	/** Entries not yet copied out; the arrays start over when none is left. */
	private int pending;

	private @Nullable ByteBuf buffer;

	/** A chain is handed over before it outgrows this ({@link Outbound}). */
	private byte[] staging = new byte[CAPACITY / 4];

	/**
	 * The messages of the chain copied out last, {@link #lastCount} of them ({@code -1}
	 * for none), and where in the buffer its frames are: nothing is written there until
	 * the next chain is copied.
	 */
	private OutboundMessage[] last = new OutboundMessage[INITIAL_ENTRIES];

	private int lastCount = -1;

	private int lastStart;

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
	 * @return the new entry, now the chain's last
	 */
	int append(int last, OutboundMessage message) {
		int entry = this.free;
		if (entry >= 0) {
			this.free = this.next[entry];
		}
		else {
			entry = this.size;
			if (entry == this.messages.length) {
				// Only as many entries as wait at once: the arrays stop growing.
				this.messages = Arrays.copyOf(this.messages, entry * 2);
				this.next = Arrays.copyOf(this.next, entry * 2);
			}
			this.size = entry + 1;
		}
		this.messages[entry] = message;
		this.next[entry] = -1;
		if (last >= 0) {
			this.next[last] = entry;
		}
		this.pending++;
		return entry;
	}

	/** Entries the arrays hold room for. */
	int capacity() {
		return this.messages.length;
	}

	/**
	 * Copies the chain starting at {@code first} into the loop's buffer; the same
	 * messages as the chain copied out last share its bytes instead, as the members of
	 * one room on one loop get the same frames in the same batch.
	 * @return a retained slice holding exactly the chain's frames, for the channel to
	 * write
	 */
	ByteBuf copyOut(int first, ByteBufAllocator alloc) {
		// One pass: while the chain matches the last one nothing is copied; at the first
		// difference the messages matched so far (the last chain's first ones) are
		// staged,
		// then the rest.
		OutboundMessage[] last = this.last;
		int lastCount = (this.buffer != null) ? this.lastCount : -1;
		boolean matching = lastCount >= 0;
		int staged = 0;
		int count = 0;
		try {
			int entry = first;
			while (entry >= 0) {
				OutboundMessage message = this.messages[entry];
				entry = free(entry);
				if (matching) {
					if (count < lastCount && last[count] == message) {
						count++;
						continue;
					}
					matching = false;
					staged = stage(last, 0, count, 0);
				}
				staged = stage(message, staged);
				if (count == last.length) {
					last = Arrays.copyOf(last, count * 2);
					this.last = last;
				}
				last[count++] = message;
			}
		}
		finally {
			freed(count);
		}
		if (matching) {
			if (count == lastCount) {
				return Objects.requireNonNull(this.buffer).retainedSlice(this.lastStart, this.lastLength);
			}
			// A shorter chain: the last one's first messages, no more.
			staged = stage(last, 0, count, 0);
		}
		ByteBuf target = writableBuffer(staged, alloc);
		int start = target.writerIndex();
		target.writeBytes(this.staging, 0, staged);
		this.lastCount = count;
		this.lastStart = start;
		this.lastLength = staged;
		return target.retainedSlice(start, staged);
	}

	/**
	 * Stages {@code messages} from {@code from} to {@code to} after {@code staged} bytes.
	 * @return the bytes staged now
	 */
	private int stage(OutboundMessage[] messages, int from, int to, int staged) {
		int length = staged;
		for (int i = from; i < to; i++) {
			length = stage(messages[i], length);
		}
		return length;
	}

	/**
	 * Adds one frame to {@link #staging}, after {@code staged} bytes: a chain's frames
	 * are gathered there with plain array stores, then written to the buffer in one call;
	 * a buffer write per frame checks the buffer's bounds and reference count each time,
	 * which profiles showed costing more than the copy.
	 * @return the bytes staged now
	 */
	private int stage(OutboundMessage message, int staged) {
		byte[] staging = this.staging;
		if (staging.length - staged < OutboundMessage.SMALL_FRAME_MAX) {
			staging = Arrays.copyOf(staging, Math.max(staged + OutboundMessage.SMALL_FRAME_MAX, staging.length * 2));
			this.staging = staging;
		}
		return staged + message.copySmallFrameTo(staging, staged);
	}

	/**
	 * Frees {@code entry} for the next append.
	 * @return the entry that followed it in its chain
	 */
	private int free(int entry) {
		this.messages[entry] = null;
		int following = this.next[entry];
		this.next[entry] = this.free;
		this.free = entry;
		return following;
	}

	private void freed(int entries) {
		this.pending -= entries;
		if (this.pending == 0) {
			this.size = 0;
			this.free = -1;
		}
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
