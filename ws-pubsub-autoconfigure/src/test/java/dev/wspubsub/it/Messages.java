package dev.wspubsub.it;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The JSON messages the test endpoints exchange with clients. */
final class Messages {

	/** Sent by every recording endpoint on open, so a test learns its session id. */
	record Hello(String type, String id) {
	}

	/** A command's outcome: what an API call answered on the server. */
	record Result(String type, Object value) {
	}

	record TopicCommand(String topic) {
	}

	record PublishCommand(String topic, String text) {
	}

	record NumberCommand(int n) {
	}

	record Numbered(String type, int n, String thread) {
	}

	record ChatIn(@NotBlank(message = "must not be blank") String room,
			@Size(max = 10, message = "size must be at most 10") String text) {
	}

	record ChatOut(String type, String room, String text) {
	}

	record Greeting(String type, String text) {
	}

	/** What {@code @OnUpgrade} read from the upgrade request. */
	record Visitor(String name, String path, List<String> tags, String agent, String cookie) {
	}

	record Tick(String type, long n) {
	}

	record Audit(String action) {
	}

	/** How a connection ended, as {@code @OnClose} saw it. */
	record Closed(int code, String reason, int readyState) {
	}

	private Messages() {
	}

}
