package dev.wspubsub.internal.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The subprotocols a client offers in its {@code Sec-WebSocket-Protocol} header(s), in
 * its order.
 */
public final class Subprotocols {

	/** The header that carries them. */
	public static final String HEADER = "Sec-WebSocket-Protocol";

	private Subprotocols() {
	}

	/** Splits every value of the header on commas, trimmed, empty entries dropped. */
	public static List<String> parse(List<String> headerValues) {
		List<String> offered = new ArrayList<>();
		for (String value : headerValues) {
			for (String protocol : value.split(",")) {
				String trimmed = protocol.trim();
				if (!trimmed.isEmpty()) {
					offered.add(trimmed);
				}
			}
		}
		return List.copyOf(offered);
	}

}
