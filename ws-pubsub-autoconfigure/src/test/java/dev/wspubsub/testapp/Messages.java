package dev.wspubsub.testapp;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The JSON messages the test endpoints exchange with clients. */
public final class Messages {

	/** Sent by every recording endpoint on open, so a test learns its session id. */
	public record Hello(String type, String id) {
	}

	/** A command's outcome: what an API call answered on the server. */
	public record Result(String type, Object value) {
	}

	public record TopicCommand(String topic) {
	}

	public record PublishCommand(String topic, String text) {
	}

	public record NumberCommand(int n) {
	}

	public record Numbered(String type, int n, String thread) {
	}

	public record ChatIn(@NotBlank(message = "must not be blank") String room,
			@Size(max = 10, message = "size must be at most 10") String text) {
	}

	public record ChatOut(String type, String room, String text) {
	}

	public record Greeting(String type, String text) {
	}

	/** What {@code @OnUpgrade} read from the upgrade request. */
	public record Visitor(String name, String path, List<String> tags, String agent, String cookie) {
	}

	public record Tick(String type, long n) {
	}

	public record Audit(String action) {
	}

	/** How a connection ended, as {@code @OnClose} saw it. */
	public record Closed(int code, String reason, int readyState) {
	}

	private Messages() {
	}

}
