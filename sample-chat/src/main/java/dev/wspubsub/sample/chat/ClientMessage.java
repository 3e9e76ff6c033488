package dev.wspubsub.sample.chat;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** What clients send, one record per {@code type} that carries fields. */
interface ClientMessage {

	record JoinRoom(@NotBlank String room) {
	}

	record LeaveRoom(@NotBlank String room) {
	}

	record Chat(@NotBlank String room, @NotNull String text) {
	}

	record Typing(@NotBlank String room, boolean isTyping) {
	}

	record DirectMessage(@NotBlank String targetUserId, @NotNull String content) {
	}

	record StatusChange(@NotNull @Pattern(regexp = "online|away|busy", message = "must be online, away or busy") String status) {
	}
}
