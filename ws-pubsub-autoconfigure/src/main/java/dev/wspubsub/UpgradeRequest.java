package dev.wspubsub;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.springframework.http.HttpHeaders;

/**
 * The HTTP request that asks for the WebSocket upgrade, as seen by {@code @OnUpgrade} and
 * kept for the life of the connection.
 */
public interface UpgradeRequest {

	/** The request path, without the query. */
	String path();

	/** The full request URI. */
	URI uri();

	/** The first value of a query parameter. */
	Optional<String> queryParam(String name);

	/** All values of a query parameter. */
	List<String> queryParams(String name);

	/** The first value of a header. */
	Optional<String> header(String name);

	/** All request headers, as a read-only copy made on each call. */
	HttpHeaders headers();

	/** The value of a cookie. */
	Optional<String> cookie(String name);

	/** The peer's address. */
	InetSocketAddress remoteAddress();

	/** The subprotocols the client offered, in its order. */
	List<String> subprotocols();

}
