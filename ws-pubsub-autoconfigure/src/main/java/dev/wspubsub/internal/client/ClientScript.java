package dev.wspubsub.internal.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the browser client from this jar: the module at its path, its types beside it
 * ({@code .d.ts} for {@code .js}). Each answer carries an {@code ETag} made of the
 * content's hash (its version) and {@code Cache-Control: no-cache}, so browsers keep it
 * and only ask whether it changed: a new starter version is picked up at once, an
 * unchanged one costs a 304.
 */
public final class ClientScript {

	/** Where the module sits on the classpath. */
	public static final String MODULE = "dev/wspubsub/client/ws-pubsub-client.js";

	/** Where its TypeScript declarations sit on the classpath. */
	public static final String TYPES = "dev/wspubsub/client/ws-pubsub-client.d.ts";

	private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

	private static final MediaType TYPESCRIPT = MediaType.parseMediaType("application/typescript;charset=UTF-8");

	private final String path;

	private final Asset module;

	private final Asset types;

	/**
	 * @param path where the module is served, such as {@code /ws-pubsub/client.js}
	 */
	public ClientScript(String path) {
		this.path = Objects.requireNonNull(path, "path");
		if (!path.startsWith("/") || !path.endsWith(".js")) {
			throw new IllegalArgumentException("The client's path must start with '/' and end with '.js', was " + path);
		}
		this.module = Asset.load(MODULE, JAVASCRIPT);
		this.types = Asset.load(TYPES, TYPESCRIPT);
	}

	/** The module's version: a hash of its content, also its {@code ETag}. */
	public String version() {
		return this.module.version;
	}

	public RouterFunction<ServerResponse> routes() {
		String typesPath = this.path.substring(0, this.path.length() - ".js".length()) + ".d.ts";
		return RouterFunctions.route()
			.GET(this.path, (request) -> this.module.serve(request))
			.GET(typesPath, (request) -> this.types.serve(request))
			.build();
	}

	private record Asset(byte[] content, String version, String etag, MediaType mediaType) {

		static Asset load(String location, MediaType mediaType) {
			try (InputStream in = new ClassPathResource(location, ClientScript.class.getClassLoader())
				.getInputStream()) {
				byte[] content = in.readAllBytes();
				String version = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 8);
				return new Asset(content, version, "\"" + version + "\"", mediaType);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The browser client is missing from the classpath: " + location, ex);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

		Mono<ServerResponse> serve(ServerRequest request) {
			if (request.headers().header("If-None-Match").stream().anyMatch(this::matches)) {
				return ServerResponse.status(304).eTag(this.etag).cacheControl(CacheControl.noCache()).build();
			}
			return ServerResponse.ok()
				.contentType(this.mediaType)
				.eTag(this.etag)
				.cacheControl(CacheControl.noCache())
				.bodyValue(this.content);
		}

		private boolean matches(String ifNoneMatch) {
			for (String tag : ifNoneMatch.split(",")) {
				String candidate = tag.strip();
				if (candidate.equals("*") || candidate.equals(this.etag) || candidate.equals("W/" + this.etag)) {
					return true;
				}
			}
			return false;
		}
	}

}
