package dev.wspubsub.internal.stomp;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/** The commands of STOMP 1.2, client and server. */
enum StompCommand {

	CONNECT, STOMP, SEND, SUBSCRIBE, UNSUBSCRIBE, ACK, NACK, BEGIN, COMMIT, ABORT, DISCONNECT,

	CONNECTED, MESSAGE, RECEIPT, ERROR;

	private static final Map<String, StompCommand> BY_NAME = Stream.of(values())
		.collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

	static @Nullable StompCommand of(String name) {
		return BY_NAME.get(name);
	}

	/** Whether a client may send it. */
	boolean fromClient() {
		return ordinal() <= DISCONNECT.ordinal();
	}

	/**
	 * Whether a frame of this command may have a body (spec: SEND, MESSAGE and ERROR).
	 */
	boolean hasBody() {
		return this == SEND || this == MESSAGE || this == ERROR;
	}

	/** Whether its header values are escaped: never in CONNECT and CONNECTED frames. */
	boolean escapesHeaders() {
		return this != CONNECT && this != STOMP && this != CONNECTED;
	}

}
