package dev.wspubsub.sse;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Set;

import dev.wspubsub.WsSession;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link dev.wspubsub.security.TopicAuthorizer} sees of an SSE client: who it is and
 * where it comes from. It is a one-way stream, so it cannot send, publish or subscribe
 * through this view.
 */
final class SseSession implements WsSession<Object> {

	private final String path;

	private final @Nullable Principal principal;

	private final InetSocketAddress remoteAddress;

	SseSession(String path, @Nullable Principal principal, @Nullable InetSocketAddress remoteAddress) {
		this.path = path;
		this.principal = principal;
		this.remoteAddress = (remoteAddress != null) ? remoteAddress : InetSocketAddress.createUnresolved("unknown", 0);
	}

	@Override
	public String id() {
		return "sse";
	}

	@Override
	@SuppressWarnings("NullAway")
	public Object data() {
		return null;
	}

	@Override
	public void data(Object data) {
	}

	@Override
	public @Nullable Principal principal() {
		return this.principal;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public String path() {
		return this.path;
	}

	@Override
	public @Nullable String subprotocol() {
		return null;
	}

	@Override
	public int readyState() {
		return CONNECTING;
	}

	@Override
	public long bufferedAmount() {
		return 0;
	}

	@Override
	public int send(Object message) {
		return DROPPED;
	}

	@Override
	public int send(Object message, boolean compress) {
		return DROPPED;
	}

	@Override
	public int sendText(String text) {
		return DROPPED;
	}

	@Override
	public int sendText(String text, boolean compress) {
		return DROPPED;
	}

	@Override
	public int sendBinary(byte[] data) {
		return DROPPED;
	}

	@Override
	public int sendBinary(byte[] data, boolean compress) {
		return DROPPED;
	}

	@Override
	public int publish(String topic, Object message) {
		return DROPPED;
	}

	@Override
	public int publish(String topic, Object message, boolean compress) {
		return DROPPED;
	}

	@Override
	public boolean subscribe(String topic) {
		return false;
	}

	@Override
	public boolean unsubscribe(String topic) {
		return false;
	}

	@Override
	public boolean isSubscribed(String topic) {
		return false;
	}

	@Override
	public Set<String> subscriptions() {
		return Set.of();
	}

	@Override
	public void cork(Runnable writes) {
		writes.run();
	}

	@Override
	public void close() {
	}

	@Override
	public void close(int code, String reason) {
	}

	@Override
	public void terminate() {
	}

	@Override
	public int ping(byte[] data) {
		return DROPPED;
	}

	@Override
	public int pong(byte[] data) {
		return DROPPED;
	}
}
