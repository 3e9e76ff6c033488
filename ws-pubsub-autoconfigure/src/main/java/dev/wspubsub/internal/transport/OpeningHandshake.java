package dev.wspubsub.internal.transport;

import java.util.Base64;
import java.util.Map;

import dev.wspubsub.spi.WsMetricsListener;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's opening handshake as RFC 6455 §4.2.1 requires it, checked before anything
 * of the application runs, so that a request the upgrade would fail on gets an HTTP
 * answer that says what is wrong instead of a dropped connection or a 101 it should not
 * have.
 */
public final class OpeningHandshake {

	private OpeningHandshake() {
	}

	/**
	 * @param path the endpoint's path, for the answer to a plain HTTP request
	 * @return why {@code request} is not a WebSocket handshake ws-pubsub accepts, or
	 * {@code null} if it is one
	 */
	public static @Nullable Rejection check(ServerHttpRequest request, String path) {
		HttpHeaders headers = request.getHeaders();
		if (!"websocket".equalsIgnoreCase(headers.getUpgrade())) {
			return new Rejection(426, WsMetricsListener.REJECTED_NOT_WEBSOCKET,
					path + " is a WebSocket endpoint: connect with a WebSocket client",
					Map.of(HttpHeaders.UPGRADE, "websocket", HttpHeaders.CONNECTION, "Upgrade"));
		}
		if (request.getMethod() != HttpMethod.GET) {
			return badHandshake("a WebSocket handshake is a GET");
		}
		if (!hasUpgradeToken(headers.get(HttpHeaders.CONNECTION))) {
			return badHandshake("the Connection header must include Upgrade");
		}
		if (!isValidKey(headers.getFirst("Sec-WebSocket-Key"))) {
			return badHandshake("Sec-WebSocket-Key must be the base64 encoding of 16 bytes");
		}
		if (!"13".equals(headers.getFirst("Sec-WebSocket-Version"))) {
			return new Rejection(426, WsMetricsListener.REJECTED_UNSUPPORTED_VERSION,
					"Unsupported WebSocket version: use 13", Map.of("Sec-WebSocket-Version", "13"));
		}
		return null;
	}

	private static Rejection badHandshake(String what) {
		return new Rejection(400, WsMetricsListener.REJECTED_BAD_HANDSHAKE, "Bad WebSocket handshake: " + what,
				Map.of());
	}

	/**
	 * Whether one of the Connection headers lists the token "Upgrade", among others or
	 * alone.
	 */
	private static boolean hasUpgradeToken(@Nullable Iterable<String> values) {
		if (values != null) {
			for (String value : values) {
				for (String token : value.split(",")) {
					if ("upgrade".equalsIgnoreCase(token.trim())) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * 16 bytes encode to 24 characters, the last two padding: anything else is not a key.
	 */
	private static boolean isValidKey(@Nullable String key) {
		if (key == null || key.length() != 24 || !key.endsWith("==")) {
			return false;
		}
		try {
			return Base64.getDecoder().decode(key).length == 16;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Why a request is not a handshake.
	 *
	 * @param status the HTTP status to answer
	 * @param metricsReason one of the {@code WsMetricsListener.REJECTED_*} reasons
	 * @param message the plain-text body
	 * @param headers headers the answer carries
	 */
	public record Rejection(int status, String metricsReason, String message, Map<String, String> headers) {
	}

}
