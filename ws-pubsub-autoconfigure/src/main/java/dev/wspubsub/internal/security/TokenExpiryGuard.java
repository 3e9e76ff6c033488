package dev.wspubsub.internal.security;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.ErrorReply;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.WsConnection;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * Ends a token-authenticated connection when its token expires (Spring Security): at the
 * token's {@code exp} the server closes with 1008 {@code token expired}, unless the
 * client sent a fresh token first:
 *
 * <pre>
 * → {"type":"auth","token":"&lt;jwt&gt;"}
 * ← {"type":"auth_ok","expiresAt":1767225600}        (epoch seconds; no exp: 0, never expires)
 * ← {"type":"error","error":"Token refresh failed: ..."}   (the old expiry still holds)
 * </pre>
 *
 * The fresh token is decoded by the same {@code ReactiveJwtDecoder} as at the upgrade and
 * must have the same subject; {@code ws.principal()} stays the principal of the upgrade.
 * The {@code auth} type is reserved on token-authenticated connections only; other
 * connections pass it to the endpoint like any message.
 */
public final class TokenExpiryGuard implements EndpointGuard {

	/** The message type of a refresh. */
	public static final String REFRESH_TYPE = "auth";

	/** The close reason at expiry. */
	public static final String TOKEN_EXPIRED = "token expired";

	private static final AttributeKey<Expiry> EXPIRY = AttributeKey.valueOf("wspubsub.tokenExpiry");

	/**
	 * Decodes refreshed tokens; without one, refreshes are refused and expiry still
	 * applies.
	 */
	private final @Nullable ReactiveJwtDecoder decoder;

	private final ObjectMapper objectMapper;

	private final Clock clock;

	public TokenExpiryGuard(@Nullable ReactiveJwtDecoder decoder, ObjectMapper objectMapper) {
		this(decoder, objectMapper, Clock.systemUTC());
	}

	TokenExpiryGuard(@Nullable ReactiveJwtDecoder decoder, ObjectMapper objectMapper, Clock clock) {
		this.decoder = decoder;
		this.objectMapper = objectMapper;
		this.clock = clock;
	}

	@Override
	public ConnectionHandler decorate(ConnectionHandler handler) {
		return new ExpiringHandler(handler);
	}

	private static @Nullable AbstractOAuth2TokenAuthenticationToken<?> tokenOf(@Nullable Principal principal) {
		return (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> token) ? token : null;
	}

	/** The expiry timer and subject of one connection; touched on its event loop. */
	private final class Expiry {

		private final WsConnection connection;

		private final @Nullable String subject;

		private @Nullable ScheduledFuture<?> timer;

		private boolean ended;

		Expiry(WsConnection connection, @Nullable String subject) {
			this.connection = connection;
			this.subject = subject;
		}

		void schedule(@Nullable Instant expiresAt) {
			cancel();
			if (expiresAt == null || this.ended) {
				return;
			}
			long delay = Math.max(0, expiresAt.toEpochMilli() - TokenExpiryGuard.this.clock.millis());
			this.timer = this.connection.channel()
				.eventLoop()
				.schedule(() -> this.connection.close(CloseCodes.POLICY_VIOLATION, TOKEN_EXPIRED), delay,
						TimeUnit.MILLISECONDS);
		}

		void cancel() {
			if (this.timer != null) {
				this.timer.cancel(false);
				this.timer = null;
			}
		}

		void refresh(String token) {
			EventLoop loop = this.connection.channel().eventLoop();
			ReactiveJwtDecoder decoder = TokenExpiryGuard.this.decoder;
			if (decoder == null) {
				this.connection.send(ErrorReply.of("Token refresh failed: no JWT decoder"));
				return;
			}
			decoder.decode(token)
				.subscribe((jwt) -> loop.execute(() -> refreshed(jwt)), (error) -> loop.execute(() -> this.connection
					.send(ErrorReply.of("Token refresh failed: " + AuthenticationFailures.reason(failure(error))))));
		}

		private void refreshed(Jwt jwt) {
			if (!Objects.equals(this.subject, jwt.getSubject())) {
				this.connection.send(ErrorReply.of("Token refresh failed: subject differs"));
				return;
			}
			schedule(jwt.getExpiresAt());
			Instant expiresAt = jwt.getExpiresAt();
			this.connection.send(new AuthOk("auth_ok", (expiresAt != null) ? expiresAt.getEpochSecond() : 0));
		}

		private static AuthenticationException failure(Throwable error) {
			if (error instanceof JwtValidationException invalid) {
				return new OAuth2AuthenticationException(invalid.getErrors().iterator().next());
			}
			return new OAuth2AuthenticationException(new org.springframework.security.oauth2.core.OAuth2Error(
					"invalid_token", String.valueOf(error.getMessage()), null));
		}

	}

	/**
	 * The answer to a successful refresh.
	 *
	 * @param type always {@code auth_ok}
	 * @param expiresAt the new expiry in epoch seconds, {@code 0} for none
	 */
	public record AuthOk(String type, long expiresAt) {
	}

	private final class ExpiringHandler extends DelegatingConnectionHandler {

		ExpiringHandler(ConnectionHandler delegate) {
			super(delegate);
		}

		@Override
		public void onOpen(WsConnection connection) {
			AbstractOAuth2TokenAuthenticationToken<?> token = tokenOf(connection.principal());
			if (token != null) {
				Object subject = token.getTokenAttributes().get("sub");
				Expiry expiry = new Expiry(connection, (subject != null) ? subject.toString() : token.getName());
				connection.channel().attr(EXPIRY).set(expiry);
				expiry.schedule(token.getToken().getExpiresAt());
			}
			super.onOpen(connection);
		}

		@Override
		public void onText(WsConnection connection, String text) {
			Expiry expiry = connection.channel().attr(EXPIRY).get();
			if (expiry != null && text.contains("\"" + REFRESH_TYPE + "\"")) {
				String token = refreshToken(text);
				if (token != null) {
					expiry.refresh(token);
					return;
				}
			}
			super.onText(connection, text);
		}

		private @Nullable String refreshToken(String text) {
			try {
				JsonNode node = TokenExpiryGuard.this.objectMapper.readTree(text);
				JsonNode type = (node != null && node.isObject()) ? node.get("type") : null;
				if (type != null && type.isString() && REFRESH_TYPE.equals(type.stringValue())) {
					JsonNode token = node.get("token");
					return (token != null && token.isString()) ? token.stringValue() : "";
				}
			}
			catch (JacksonException ex) {
				// Not JSON: the endpoint answers it.
			}
			return null;
		}

		@Override
		public void onClose(WsConnection connection, int code, String reason) {
			Expiry expiry = connection.channel().attr(EXPIRY).getAndSet(null);
			if (expiry != null) {
				expiry.ended = true;
				expiry.cancel();
			}
			super.onClose(connection, code, reason);
		}

	}

}
