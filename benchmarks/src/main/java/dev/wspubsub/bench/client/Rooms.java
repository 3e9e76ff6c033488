package dev.wspubsub.bench.client;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the load clients are spread over chat rooms. {@code --rooms R} names them
 * {@code room0} to {@code room(R-1)}; {@code --room-names a,b,c} names them outright (the
 * cluster benchmark picks names whose channels hash to different Redis masters). One
 * room, unnamed, is the server's default room: the chat benchmark's query, without a
 * {@code room} parameter.
 * <p>
 * Client i joins room {@code (i / nodes) mod R}: the clients connect to the nodes in turn
 * (client i to node i mod n), so each run of n consecutive clients puts one member on
 * every node, and every room is split evenly over the nodes when the clients fill
 * {@code R x n} evenly. On one node that is {@code i mod R}.
 */
final class Rooms {

	private final List<String> names;

	private final boolean named;

	private final int clients;

	private final int nodes;

	private Rooms(List<String> names, boolean named, int clients, int nodes) {
		if (clients % names.size() != 0) {
			throw new IllegalArgumentException(clients + " clients do not fill " + names.size() + " rooms evenly");
		}
		this.names = names;
		this.named = named;
		this.clients = clients;
		this.nodes = nodes;
	}

	/** {@code --room-names} when given, else {@code --rooms} (default 1). */
	static Rooms fromArgs(Args args, int clients, int nodes) {
		String given = args.get("room-names", "");
		if (!given.isEmpty()) {
			List<String> names = Arrays.stream(given.split(",")).map(String::trim).toList();
			// Sent as they are in the upgrade query
			if (!names.stream().allMatch((name) -> name.matches("[A-Za-z0-9._-]+"))
					|| names.stream().distinct().count() != names.size()) {
				throw new IllegalArgumentException(
						"--room-names must be distinct names of letters, digits, '.', '_' and '-', got '" + given
								+ "'");
			}
			return new Rooms(names, true, clients, nodes);
		}
		int count = args.getInt("rooms", 1);
		if (count < 1) {
			throw new IllegalArgumentException("--rooms must be at least 1, got " + count);
		}
		return new Rooms(IntStream.range(0, count).mapToObj((r) -> "room" + r).toList(), count > 1, clients, nodes);
	}

	int count() {
		return this.names.size();
	}

	/** Clients per room. */
	int size() {
		return this.clients / this.names.size();
	}

	/** The room of client {@code client}, from 0. */
	int of(int client) {
		return (client / this.nodes) % this.names.size();
	}

	/** Client {@code client}'s name, as the messages it publishes carry it. */
	static String clientName(int client) {
		return "Client" + client;
	}

	/** The upgrade query of client {@code client}. */
	String query(int client) {
		return "name=" + clientName(client) + (this.named ? "&room=" + this.names.get(of(client)) : "");
	}

}
