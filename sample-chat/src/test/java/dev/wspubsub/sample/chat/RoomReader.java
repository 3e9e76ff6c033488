package dev.wspubsub.sample.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chat user who only reads one room, as a browser tab would: it remembers the position
 * of the last message it saw and rejoins with it ({@code since}) on every new connection.
 * Everything it was handed, replayed or live, is recorded in arrival order.
 */
final class RoomReader {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient http = HttpClient.newHttpClient();

	private final String name;

	private final String room;

	/**
	 * Position and text of every chat message received, in order. Guarded by
	 * {@code this}.
	 */
	private final List<Received> received = new ArrayList<>();

	private final List<String> problems = new ArrayList<>();

	private volatile WebSocket socket;

	private volatile CompletableFuture<Void> closed = CompletableFuture.completedFuture(null);

	private volatile CompletableFuture<JsonNode> joined = new CompletableFuture<>();

	record Received(String epoch, long offset, String text) {
	}

	RoomReader(String name, String room) {
		this.name = name;
		this.room = room;
	}

	/**
	 * Connects to the node on {@code port} and (re)joins the room from the last position
	 * seen, which must be recovered.
	 */
	void connect(int port) {
		Received last = last();
		JsonNode answer = open(port, last);
		if (last != null && !answer.path("recovered").asBoolean()) {
			problem("rejoin from " + last.epoch() + ":" + last.offset() + " was not recovered: " + answer);
		}
	}

	private JsonNode open(int port, Received since) {
		CompletableFuture<Void> closed = new CompletableFuture<>();
		this.joined = new CompletableFuture<>();
		this.closed = closed;
		URI uri = URI.create("ws://127.0.0.1:" + port + "/ws?username=" + this.name);
		this.socket = http.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(uri, new Listener(closed))
			.orTimeout(10, TimeUnit.SECONDS)
			.join();
		Map<String, Object> join = new LinkedHashMap<>();
		join.put("type", "join_room");
		join.put("room", this.room);
		if (since != null) {
			join.put("since", Map.of("epoch", since.epoch(), "offset", since.offset()));
		}
		this.socket.sendText(JSON.writeValueAsString(join), true).orTimeout(10, TimeUnit.SECONDS).join();
		return this.joined.orTimeout(15, TimeUnit.SECONDS).join();
	}

	/**
	 * Joins from {@code since} on a new connection to the node on {@code port}; answers
	 * its room_joined, then closes.
	 */
	JsonNode rejoinFrom(int port, Received since) {
		JsonNode answer = open(port, since);
		disconnect();
		return answer;
	}

	/**
	 * Leaves the current node cleanly (a page navigating away), and waits until it is
	 * closed.
	 */
	void disconnect() {
		WebSocket current = this.socket;
		if (current != null && !current.isOutputClosed()) {
			current.sendClose(WebSocket.NORMAL_CLOSURE, "moving")
				.orTimeout(5, TimeUnit.SECONDS)
				.exceptionally((ex) -> null)
				.join();
		}
		awaitClosed(Duration.ofSeconds(10));
	}

	/** Waits until the current connection is gone (its node was killed, say). */
	void awaitClosed(Duration timeout) {
		this.closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally((ex) -> null).join();
		WebSocket current = this.socket;
		if (current != null) {
			current.abort();
		}
	}

	synchronized Received last() {
		return this.received.isEmpty() ? null : this.received.get(this.received.size() - 1);
	}

	synchronized List<Received> received() {
		return List.copyOf(this.received);
	}

	synchronized List<String> problems() {
		return List.copyOf(this.problems);
	}

	private synchronized void problem(String problem) {
		this.problems.add(problem);
	}

	private synchronized void record(JsonNode chat) {
		this.received.add(new Received(chat.path("epoch").asString(), chat.path("offset").asLong(),
				chat.path("text").asString()));
	}

	String name() {
		return this.name;
	}

	private final class Listener implements WebSocket.Listener {

		private final CompletableFuture<Void> closed;

		private final StringBuilder partial = new StringBuilder();

		Listener(CompletableFuture<Void> closed) {
			this.closed = closed;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				JsonNode message = JSON.readTree(this.partial.toString());
				this.partial.setLength(0);
				switch (message.path("type").asString()) {
					case "room_joined" -> {
						if (RoomReader.this.room.equals(message.path("room").asString())) {
							message.path("history").forEach(RoomReader.this::record);
							RoomReader.this.joined.complete(message);
						}
					}
					case "chat" -> {
						if (RoomReader.this.room.equals(message.path("room").asString())) {
							if (!RoomReader.this.joined.isDone()) {
								problem("a live message before room_joined: " + message);
							}
							record(message);
						}
					}
					default -> {
					}
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(null);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.complete(null);
		}

	}

}
