package dev.wspubsub.endpoint;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.wspubsub.UpgradeRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The upgrade request, kept for the life of the connection. It holds the URI and the
 * request's own headers (which Reactor Netty keeps anyway) and parses the query and
 * cookies only when asked, so an idle connection pays for no copies.
 */
final class DefaultUpgradeRequest implements UpgradeRequest {

	private final URI uri;

	private final HttpHeaders headers;

	private final InetSocketAddress remoteAddress;

	private @Nullable Map<String, List<String>> queryParams;

	DefaultUpgradeRequest(ServerHttpRequest request) {
		this.uri = request.getURI();
		this.headers = request.getHeaders();
		InetSocketAddress address = request.getRemoteAddress();
		this.remoteAddress = (address != null) ? address : InetSocketAddress.createUnresolved("unknown", 0);
	}

	@Override
	public String path() {
		String path = this.uri.getRawPath();
		return (path != null) ? QueryStringDecoder.decodeComponent(path) : "/";
	}

	@Override
	public URI uri() {
		return this.uri;
	}

	@Override
	public Optional<String> queryParam(String name) {
		List<String> values = queryParams().get(name);
		return (values == null || values.isEmpty()) ? Optional.empty() : Optional.of(values.get(0));
	}

	@Override
	public List<String> queryParams(String name) {
		List<String> values = queryParams().get(name);
		return (values != null) ? List.copyOf(values) : List.of();
	}

	private synchronized Map<String, List<String>> queryParams() {
		if (this.queryParams == null) {
			String rawQuery = this.uri.getRawQuery();
			this.queryParams = (rawQuery != null)
					? new QueryStringDecoder(rawQuery, false).parameters() : Map.of();
		}
		return this.queryParams;
	}

	@Override
	public Optional<String> header(String name) {
		return Optional.ofNullable(this.headers.getFirst(name));
	}

	@Override
	public HttpHeaders headers() {
		return HttpHeaders.readOnlyHttpHeaders(this.headers);
	}

	@Override
	public Optional<String> cookie(String name) {
		for (String header : this.headers.getOrEmpty(HttpHeaders.COOKIE)) {
			Set<Cookie> cookies = ServerCookieDecoder.LAX.decode(header);
			for (Cookie cookie : cookies) {
				if (cookie.name().equals(name)) {
					return Optional.of(cookie.value());
				}
			}
		}
		return Optional.empty();
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public List<String> subprotocols() {
		return parseProtocols(this.headers.getFirst("Sec-WebSocket-Protocol"));
	}

	static List<String> parseProtocols(@Nullable String header) {
		if (header == null || header.isBlank()) {
			return List.of();
		}
		return Arrays.stream(header.split(",")).map(String::trim).filter((p) -> !p.isEmpty()).toList();
	}

	@Override
	public String toString() {
		// Never the query: it may carry an access token.
		return "UpgradeRequest[" + path() + " from " + this.remoteAddress + "]";
	}
}
