package dev.wspubsub.sample.chat;

import java.util.Comparator;

/**
 * An online user as others see them; {@code status} is {@code online}, {@code away} or
 * {@code busy}.
 */
public record PresenceUser(String userId, String username, String status, long lastSeen) {

	/** The order of presence lists. */
	static final Comparator<PresenceUser> BY_NAME = Comparator.comparing(PresenceUser::username,
			String.CASE_INSENSITIVE_ORDER);

	PresenceUser withStatus(String status, long now) {
		return new PresenceUser(this.userId, this.username, status, now);
	}
}
