package dev.wspubsub.sample.chat;

/** An online user as others see them; {@code status} is {@code online}, {@code away} or {@code busy}. */
public record PresenceUser(String userId, String username, String status, long lastSeen) {

	PresenceUser withStatus(String status, long now) {
		return new PresenceUser(this.userId, this.username, status, now);
	}
}
