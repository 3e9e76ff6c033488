package dev.wspubsub.internal.endpoint;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.transport.Subprotocols;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * The upgrade request, kept for the life of the connection. It holds the request line's
 * URI string and a compact copy of the headers (the server's own are cleared once the
 * connection opens), and builds the {@link URI}, the query and cookies anew when asked,
 * so an idle connection keeps no parsed copies.
 */
public final class DefaultUpgradeRequest implements UpgradeRequest {

	/** The request target as received (path and query), shared with the request line. */
	private final String target;

	/**
	 * The scheme, host and port part of the URI, from the Host header when the URI is
	 * built.
	 */
	private final URI base;

	/** Names and values, see {@link CompactHeaders}. */
	private final String[] headers;

	private final InetSocketAddress remoteAddress;

	/**
	 * Scheme and authority are shared by nearly every connection: one URI each, not one
	 * per connection.
	 */
	private static final Map<String, URI> BASES = new ConcurrentHashMap<>();

	private static final int MAX_BASES = 64;

	/** A copy of what the connection will need of {@code request}. */
	public DefaultUpgradeRequest(ServerHttpRequest request) {
		Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		this.target = (nativeRequest instanceof HttpServerRequest reactor) ? reactor.uri()
				: request.getURI().getRawPath()
						+ ((request.getURI().getRawQuery() != null) ? "?" + request.getURI().getRawQuery() : "");
		this.base = base(request.getURI().getScheme() + "://" + request.getURI().getRawAuthority());
		this.headers = CompactHeaders.copyOf(request.getHeaders());
		InetSocketAddress address = request.getRemoteAddress();
		this.remoteAddress = (address != null) ? address : InetSocketAddress.createUnresolved("unknown", 0);
	}

	private static URI base(String schemeAndAuthority) {
		URI base = BASES.get(schemeAndAuthority);
		if (base == null) {
			base = URI.create(schemeAndAuthority);
			if (BASES.size() < MAX_BASES) {
				// Bounded: the Host header is the client's to choose.
				BASES.putIfAbsent(schemeAndAuthority, base);
			}
		}
		return base;
	}

	@Override
	public String path() {
		int query = this.target.indexOf('?');
		return QueryStringDecoder.decodeComponent((query >= 0) ? this.target.substring(0, query) : this.target);
	}

	@Override
	public URI uri() {
		return this.base.resolve(this.target);
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

	// Parsed on each call, not kept: read at the upgrade mostly, while every connection
	// would keep the map.
	private Map<String, List<String>> queryParams() {
		return new QueryStringDecoder(this.target).parameters();
	}

	@Override
	public Optional<String> header(String name) {
		return Optional.ofNullable(CompactHeaders.first(this.headers, name));
	}

	@Override
	public HttpHeaders headers() {
		return CompactHeaders.toHttpHeaders(this.headers);
	}

	@Override
	public Optional<String> cookie(String name) {
		for (String header : CompactHeaders.all(this.headers, HttpHeaders.COOKIE)) {
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
		return Subprotocols.parse(CompactHeaders.all(this.headers, Subprotocols.HEADER));
	}

	@Override
	public String toString() {
		// Never the query: it may carry an access token.
		return "UpgradeRequest[" + path() + " from " + this.remoteAddress + "]";
	}

}
