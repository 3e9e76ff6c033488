package dev.wspubsub.internal.endpoint;

import java.security.Principal;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.transport.WsConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/** What a handler's parameters may be resolved from, for one call. */
record CallContext(@Nullable WsConnection session, @Nullable UpgradeRequest request, @Nullable Principal principal,
		@Nullable ServerWebExchange exchange, @Nullable Object payload, int closeCode, @Nullable String closeReason,
		@Nullable Throwable error, @Nullable String topic, @Nullable StreamPosition position) {

	static CallContext of(WsConnection session) {
		return new CallContext(session, session.upgradeRequest(), session.principal(), null, null, 0, null, null, null,
				null);
	}

	static CallContext of(WsConnection session, @Nullable Object payload) {
		return new CallContext(session, session.upgradeRequest(), session.principal(), null, payload, 0, null, null,
				null, null);
	}

	static CallContext closed(WsConnection session, int code, String reason) {
		return new CallContext(session, session.upgradeRequest(), session.principal(), null, null, code, reason, null,
				null, null);
	}

	static CallContext failed(WsConnection session, Throwable error) {
		return new CallContext(session, session.upgradeRequest(), session.principal(), null, null, 0, null, error, null,
				null);
	}

	static CallContext upgrade(ServerWebExchange exchange, UpgradeRequest request, @Nullable Principal principal) {
		return new CallContext(null, request, principal, exchange, null, 0, null, null, null, null);
	}

	static CallContext topicReset(WsConnection session, String topic, StreamPosition current) {
		return new CallContext(session, session.upgradeRequest(), session.principal(), null, null, 0, null, null, topic,
				current);
	}
}
