package dev.wspubsub.sample.chat;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Who is online. Reactive so that a cluster-wide store (Redis) can replace the in-memory
 * one.
 */
public interface PresenceStore {

	/** Adds or replaces a user. */
	Mono<Void> online(PresenceUser user);

	/** Removes a user. */
	Mono<Void> offline(String userId);

	/** Changes a user's status; does nothing for a user who is not online. */
	Mono<Void> status(String userId, String status);

	/** The online users, by name. */
	Mono<List<PresenceUser>> users();

}
