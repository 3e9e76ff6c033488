package dev.wspubsub.test;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thrown by {@link WsTestClient#connect(URI)} and {@link RawWebSocket#connect(URI)} when
 * the server answers the WebSocket upgrade request with something other than
 * {@code 101 Switching Protocols}, for example {@code 401} or {@code 403} from an
 * authentication check.
 */
public class WsUpgradeRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** The HTTP status code of the response. */
	private final int status;

	/** The response body. */
	private final String body;

	/** The response headers. */
	private final Map<String, List<String>> headers;

	/**
	 * Creates the exception.
	 * @param uri the URI whose upgrade was rejected
	 * @param status the HTTP status code of the response
	 * @param body the response body, empty when there was none
	 * @param headers the response headers
	 */
	public WsUpgradeRejectedException(URI uri, int status, String body, Map<String, List<String>> headers) {
		super("WebSocket upgrade to " + uri + " was rejected with HTTP " + status
				+ (body.isEmpty() ? "" : ": " + body));
		this.status = status;
		this.body = body;
		TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
		this.headers = Collections.unmodifiableMap(copy);
	}

	/**
	 * The HTTP status code the server answered the upgrade request with.
	 * @return the status code, e.g. {@code 403}
	 */
	public int status() {
		return this.status;
	}

	/**
	 * The body of the server's response.
	 * @return the body decoded as a string, empty when there was none
	 */
	public String body() {
		return this.body;
	}

	/**
	 * The headers of the server's response.
	 * @return an unmodifiable map from header name (looked up case-insensitively) to
	 * values
	 */
	public Map<String, List<String>> headers() {
		return this.headers;
	}

}
