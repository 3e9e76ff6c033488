package dev.wspubsub.internal.endpoint;

import java.security.Principal;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.dispatch.HandlerInvoker;
import dev.wspubsub.internal.transport.WsConnection;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/**
 * What a handler's parameters may be resolved from, for one call. A message's call, made
 * for every message received, holds only the session and the payload (the request and
 * principal are the session's); what the rarer calls add (close, error, upgrade, topic
 * reset) sits in {@link Details}.
 *
 * <p>
 * A message's context is lent per event-loop thread, so that a call made for every
 * message received allocates none: the resolvers read it and keep nothing of it, and
 * {@link HandlerMethod#invoke} has resolved every argument before the handler runs. A
 * call that outlives the stack it was made on (one run on the blocking pool) takes a
 * {@link #keep() copy} of its own; a call made while its thread's context is lent (a
 * handler whose send runs another handler) gets a fresh one; so does every call off the
 * event loops. Given its handler ({@link #calling}), it is the call itself, so a call on
 * the loop needs no lambda object either.
 */
final class CallContext implements HandlerInvoker.Call {

	private static final Details NONE = new Details(null, null, null, 0, null, null, null, null);

	/** Per thread: the context not lent out, or {@code null}. */
	private static final FastThreadLocal<CallContext> SPARE = new FastThreadLocal<>() {
		@Override
		protected CallContext initialValue() {
			return new CallContext(null, null, NONE, true);
		}
	};

	private @Nullable WsConnection session;

	private @Nullable Object payload;

	private final Details details;

	/** The handler {@link #call()} invokes, once {@link #calling} has set it. */
	private @Nullable HandlerMethod handler;

	/** Whether this is a thread's lent context, handed back after its call. */
	private final boolean lent;

	private CallContext(@Nullable WsConnection session, @Nullable Object payload, Details details, boolean lent) {
		this.session = session;
		this.payload = payload;
		this.details = details;
		this.lent = lent;
	}

	private CallContext(@Nullable WsConnection session, @Nullable Object payload, Details details) {
		this(session, payload, details, false);
	}

	/**
	 * A message's context, lent when this thread has one spare: hand it back with
	 * {@link #giveBack()} once the call returns, or {@link #keep()} it.
	 */
	static CallContext of(WsConnection session) {
		return of(session, null);
	}

	/** As {@link #of(WsConnection)}, with the message's payload. */
	static CallContext of(WsConnection session, @Nullable Object payload) {
		if (FastThreadLocalThread.currentThreadHasFastThreadLocal()) {
			CallContext spare = SPARE.get();
			if (spare != null) {
				SPARE.set(null);
				spare.session = session;
				spare.payload = payload;
				return spare;
			}
		}
		return new CallContext(session, payload, NONE);
	}

	/**
	 * This context for a call that runs after the caller's stack has gone (on another
	 * thread): itself when it is not lent, else a copy, this one handed back.
	 */
	CallContext keep() {
		if (!this.lent) {
			return this;
		}
		CallContext copy = new CallContext(this.session, this.payload, this.details);
		giveBack();
		return copy;
	}

	/**
	 * Ends the call this context was made for: a lent one, emptied so it holds no session
	 * or message on, becomes its thread's spare again.
	 */
	void giveBack() {
		if (!this.lent) {
			return;
		}
		this.session = null;
		this.payload = null;
		this.handler = null;
		SPARE.set(this);
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

	/** This context, as the call of {@code handler} with it. */
	CallContext calling(HandlerMethod handler) {
		this.handler = handler;
		return this;
	}

	@Override
	public @Nullable Object call() throws Throwable {
		HandlerMethod handler = this.handler;
		if (handler == null) {
			throw new IllegalStateException("No handler to call: calling(handler) first");
		}
		return handler.invoke(this);
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
