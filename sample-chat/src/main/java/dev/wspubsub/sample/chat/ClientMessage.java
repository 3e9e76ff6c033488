package dev.wspubsub.sample.chat;

import dev.wspubsub.StreamPosition;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

/** What clients send, one record per {@code type} that carries fields. */
interface ClientMessage {

	/**
	 * What a room may be called: it is created by the first join, so the name is all
	 * there is to check.
	 */
	String ROOM_NAME = "[A-Za-z0-9_-]{1,64}";

	/**
	 * @param since the position of the last chat message the client saw in the room, to
	 * get what it missed; absent: the room's latest messages
	 */
	record JoinRoom(
			@NotNull @Pattern(regexp = ROOM_NAME, message = "must be 1 to 64 letters, digits, - or _") String room,
			@Valid @Nullable Since since) {

		@Nullable StreamPosition sincePosition() {
			return (this.since != null) ? new StreamPosition(this.since.epoch(), this.since.offset()) : null;
		}
	}

	/** A chat message's {@code epoch} and {@code offset}, as the client received them. */
	record Since(@NotNull @Pattern(regexp = "[^:]+", message = "must not be empty or contain ':'") String epoch,
			@NotNull @PositiveOrZero Long offset) {
	}

	record LeaveRoom(@NotBlank String room) {
	}

	record Chat(@NotBlank String room, @NotNull String text) {
	}

	record Typing(@NotBlank String room, boolean isTyping) {
	}

	record DirectMessage(@NotBlank String targetUserId, @NotNull String content) {
	}

	record StatusChange(
			@NotNull @Pattern(regexp = "online|away|busy", message = "must be online, away or busy") String status) {
	}

}
