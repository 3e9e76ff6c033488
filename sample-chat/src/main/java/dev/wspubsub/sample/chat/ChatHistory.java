package dev.wspubsub.sample.chat;

import java.util.List;

import reactor.core.publisher.Mono;

/** The recent messages of each room. Reactive so that a shared store (Redis) can replace the in-memory one. */
public interface ChatHistory {

	/** How many messages a room keeps. */
	int LIMIT = 50;

	/** Appends a message, dropping the oldest beyond {@link #LIMIT}; completes, stored or not, without waiting long. */
	Mono<Void> add(String room, ChatLine line);

	/**
	 * The room's last {@link #LIMIT} messages, oldest first; fails with
	 * {@link HistoryUnavailableException} soon when the store cannot answer.
	 */
	Mono<List<ChatLine>> recent(String room);
}
