package dev.wspubsub.internal.endpoint;

import java.security.Principal;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.transport.WsConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/**
 * What a handler's parameters may be resolved from, for one call. A message's call, made
 * for every message received, holds only the session and the payload (the request and
 * principal are the session's); what the rarer calls add (close, error, upgrade, topic
 * reset) sits in {@link Details}.
 */
final class CallContext {

	private static final Details NONE = new Details(null, null, null, 0, null, null, null, null);

	private final @Nullable WsConnection session;

	private final @Nullable Object payload;

	private final Details details;

	private CallContext(@Nullable WsConnection session, @Nullable Object payload, Details details) {
		this.session = session;
		this.payload = payload;
		this.details = details;
	}

	static CallContext of(WsConnection session) {
		return new CallContext(session, null, NONE);
	}

	static CallContext of(WsConnection session, @Nullable Object payload) {
		return new CallContext(session, payload, NONE);
	}

	static CallContext closed(WsConnection session, int code, String reason) {
		return new CallContext(session, null, new Details(null, null, null, code, reason, null, null, null));
	}

	static CallContext failed(WsConnection session, Throwable error) {
		return new CallContext(session, null, new Details(null, null, null, 0, null, error, null, null));
	}

	static CallContext upgrade(ServerWebExchange exchange, UpgradeRequest request, @Nullable Principal principal) {
		return new CallContext(null, null, new Details(request, principal, exchange, 0, null, null, null, null));
	}

	static CallContext topicReset(WsConnection session, String topic, StreamPosition current) {
		return new CallContext(session, null, new Details(null, null, null, 0, null, null, topic, current));
	}

	@Nullable WsConnection session() {
		return this.session;
	}

	@Nullable UpgradeRequest request() {
		WsConnection session = this.session;
		return (session != null) ? session.upgradeRequest() : this.details.request();
	}

	@Nullable Principal principal() {
		WsConnection session = this.session;
		return (session != null) ? session.principal() : this.details.principal();
	}

	@Nullable ServerWebExchange exchange() {
		return this.details.exchange();
	}

	@Nullable Object payload() {
		return this.payload;
	}

	int closeCode() {
		return this.details.closeCode();
	}

	@Nullable String closeReason() {
		return this.details.closeReason();
	}

	@Nullable Throwable error() {
		return this.details.error();
	}

	@Nullable String topic() {
		return this.details.topic();
	}

	@Nullable StreamPosition position() {
		return this.details.position();
	}

	/**
	 * What the calls other than messages carry: the upgrade's request, principal and
	 * exchange (before there is a session), a close's code and reason, a failure, a topic
	 * reset's topic and position.
	 */
	private record Details(@Nullable UpgradeRequest request, @Nullable Principal principal,
			@Nullable ServerWebExchange exchange, int closeCode, @Nullable String closeReason,
			@Nullable Throwable error, @Nullable String topic, @Nullable StreamPosition position) {

	}

}
