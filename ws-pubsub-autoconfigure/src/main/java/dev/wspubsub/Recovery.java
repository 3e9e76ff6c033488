package dev.wspubsub;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a subscribe with a position
 * ({@link WsSession#subscribe(String, StreamPosition, int, java.util.function.Consumer)}).
 *
 * @param recovered whether {@code publications} are exactly every publication after the
 * position asked for, in order; {@code false} when none was asked for, or the history no
 * longer holds them (trimmed, expired, or its epoch changed)
 * @param position the topic's current position: the newest publication the answer
 * accounts for; live messages after it follow. {@code null} when the history could not be
 * read (its store is unreachable)
 * @param publications when recovered, the missed ones; otherwise the newest ones, as many
 * as asked for; oldest first
 */
public record Recovery(boolean recovered, @Nullable StreamPosition position, List<Publication> publications) {

	public Recovery {
		publications = List.copyOf(publications);
	}

	/** The answer when the history could not be read at all. */
	public static Recovery unavailable() {
		return new Recovery(false, null, List.of());
	}
}
