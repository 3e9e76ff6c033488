package dev.wspubsub.endpoint;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import dev.wspubsub.UpgradeRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;

/** A copy of the upgrade request, kept for the life of the connection. */
final class DefaultUpgradeRequest implements UpgradeRequest {

	private final URI uri;

	private final String path;

	private final MultiValueMap<String, String> queryParams;

	private final HttpHeaders headers;

	private final MultiValueMap<String, HttpCookie> cookies;

	private final InetSocketAddress remoteAddress;

	DefaultUpgradeRequest(ServerHttpRequest request) {
		this.uri = request.getURI();
		this.path = request.getPath().pathWithinApplication().value();
		this.queryParams = request.getQueryParams();
		this.headers = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders(request.getHeaders()));
		this.cookies = request.getCookies();
		InetSocketAddress address = request.getRemoteAddress();
		this.remoteAddress = (address != null) ? address : InetSocketAddress.createUnresolved("unknown", 0);
	}

	@Override
	public String path() {
		return this.path;
	}

	@Override
	public URI uri() {
		return this.uri;
	}

	@Override
	public Optional<String> queryParam(String name) {
		return Optional.ofNullable(this.queryParams.getFirst(name));
	}

	@Override
	public List<String> queryParams(String name) {
		List<String> values = this.queryParams.get(name);
		return (values != null) ? List.copyOf(values) : List.of();
	}

	@Override
	public Optional<String> header(String name) {
		return Optional.ofNullable(this.headers.getFirst(name));
	}

	@Override
	public HttpHeaders headers() {
		return this.headers;
	}

	@Override
	public Optional<String> cookie(String name) {
		HttpCookie cookie = this.cookies.getFirst(name);
		return Optional.ofNullable(cookie).map(HttpCookie::getValue);
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
		return java.util.Arrays.stream(header.split(",")).map(String::trim).filter((p) -> !p.isEmpty()).toList();
	}

	@Override
	public String toString() {
		return "UpgradeRequest[" + this.path + " from " + this.remoteAddress + "]";
	}
}
