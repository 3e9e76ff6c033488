package dev.wspubsub;

import java.util.Objects;

/**
 * Where a publication sits in the history of its topic: {@code offset} grows by exactly 1
 * per publication, and {@code epoch} names the history's life. When continuity is lost (a
 * node restart with local fan-out; with Redis, the history's key vanished, or this node
 * published while Redis was unreachable) the epoch changes, so a position of the old
 * epoch can no longer be resumed from. Its text form, {@code <epoch>:<offset>}, is what
 * an SSE event's id carries.
 *
 * @param epoch a short name of the history's life; never contains {@code ':'}
 * @param offset the publication's number in its epoch, from 1; 0 before the first one
 */
public record StreamPosition(String epoch, long offset) {

	public StreamPosition {
		Objects.requireNonNull(epoch, "epoch");
		if (epoch.isEmpty() || epoch.indexOf(':') >= 0) {
			throw new IllegalArgumentException("An epoch is not empty and has no ':', was '" + epoch + "'");
		}
		if (offset < 0) {
			throw new IllegalArgumentException("An offset is not negative, was " + offset);
		}
	}

	/**
	 * Reads the text form {@code <epoch>:<offset>}.
	 * @throws IllegalArgumentException when {@code text} is not a position
	 */
	public static StreamPosition parse(String text) {
		int colon = text.lastIndexOf(':');
		if (colon <= 0) {
			throw new IllegalArgumentException("Not a position '<epoch>:<offset>': '" + text + "'");
		}
		try {
			return new StreamPosition(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a position '<epoch>:<offset>': '" + text + "'", ex);
		}
	}

	@Override
	public String toString() {
		return this.epoch + ":" + this.offset;
	}
}
