package dev.wspubsub.internal.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Request headers kept for a connection's life as one array of names and values, in their
 * order ({@code name, value, name, value, ...}), instead of the server's header map with
 * an entry object per header. Names, and the values of the headers nearly every client
 * sends alike ({@code Upgrade: websocket}, {@code Host}, ...), are shared between
 * connections.
 */
final class CompactHeaders {

	private static final String[] NONE = new String[0];

	/**
	 * Headers whose values are shared: never one that may carry a secret or is unique per
	 * connection (cookies, tokens, {@code Sec-WebSocket-Key}), which must not outlive it.
	 */
	private static final Set<String> SHARED_VALUES = Set.of("host", "upgrade", "connection", "sec-websocket-version",
			"sec-websocket-extensions", "origin", "user-agent", "accept", "accept-encoding", "accept-language",
			"cache-control", "pragma");

	/** Bounded: names and these values are the client's to choose. */
	private static final int MAX_SHARED = 1024;

	private static final Map<String, String> SHARED = new ConcurrentHashMap<>();

	private CompactHeaders() {
	}

	static String[] copyOf(HttpHeaders headers) {
		List<String> pairs = new ArrayList<>();
		headers.forEach((name, values) -> {
			String sharedName = shared(name);
			boolean shareValues = SHARED_VALUES.contains(name.toLowerCase(Locale.ROOT));
			for (String value : values) {
				pairs.add(sharedName);
				pairs.add(shareValues ? shared(value) : value);
			}
		});
		return pairs.isEmpty() ? NONE : pairs.toArray(NONE);
	}

	private static String shared(String text) {
		String shared = SHARED.get(text);
		if (shared != null) {
			return shared;
		}
		if (SHARED.size() >= MAX_SHARED) {
			return text;
		}
		shared = SHARED.putIfAbsent(text, text);
		return (shared != null) ? shared : text;
	}

	/** The first value of {@code name}, ignoring case. */
	static @Nullable String first(String[] pairs, String name) {
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i].equalsIgnoreCase(name)) {
				return pairs[i + 1];
			}
		}
		return null;
	}

	/** Every value of {@code name}, ignoring case, in order. */
	static List<String> all(String[] pairs, String name) {
		@Nullable List<String> values = null;
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i].equalsIgnoreCase(name)) {
				if (values == null) {
					values = new ArrayList<>(2);
				}
				values.add(pairs[i + 1]);
			}
		}
		return (values != null) ? List.copyOf(values) : List.of();
	}

	/** A read-only {@link HttpHeaders} view, built anew for each call. */
	static HttpHeaders toHttpHeaders(String[] pairs) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < pairs.length; i += 2) {
			headers.add(pairs[i], pairs[i + 1]);
		}
		return HttpHeaders.readOnlyHttpHeaders(headers);
	}

}
