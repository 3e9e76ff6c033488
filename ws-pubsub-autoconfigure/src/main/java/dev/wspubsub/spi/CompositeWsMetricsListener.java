package dev.wspubsub.spi;

import java.util.List;

import dev.wspubsub.WsSession;
import org.jspecify.annotations.Nullable;

/** Calls several {@link WsMetricsListener}s in order. */
final class CompositeWsMetricsListener implements WsMetricsListener {

	private final WsMetricsListener[] listeners;

	/**
	 * Those that observe handler calls: usually one, which then needs no wrapping per
	 * call.
	 */
	private final WsMetricsListener[] observers;

	CompositeWsMetricsListener(List<WsMetricsListener> listeners) {
		this.listeners = listeners.toArray(new WsMetricsListener[0]);
		this.observers = listeners.stream()
			.filter(CompositeWsMetricsListener::observesHandlers)
			.toArray(WsMetricsListener[]::new);
	}

	private static boolean observesHandlers(WsMetricsListener listener) {
		try {
			return listener.getClass()
				.getMethod("handlerStarted", WsSession.class, String.class)
				.getDeclaringClass() != WsMetricsListener.class;
		}
		catch (NoSuchMethodException ex) {
			return true;
		}
	}

	@Override
	public void connectionOpened(WsSession<?> session) {
		for (WsMetricsListener listener : this.listeners) {
			listener.connectionOpened(session);
		}
	}

	@Override
	public void connectionClosed(WsSession<?> session, int code) {
		for (WsMetricsListener listener : this.listeners) {
			listener.connectionClosed(session, code);
		}
	}

	@Override
	public void messageReceived(WsSession<?> session, boolean text, int bytes) {
		for (WsMetricsListener listener : this.listeners) {
			listener.messageReceived(session, text, bytes);
		}
	}

	@Override
	public void messageSent(WsSession<?> session, int bytes) {
		for (WsMetricsListener listener : this.listeners) {
			listener.messageSent(session, bytes);
		}
	}

	@Override
	public void published(int subscribers, int bytes) {
		for (WsMetricsListener listener : this.listeners) {
			listener.published(subscribers, bytes);
		}
	}

	@Override
	public void backpressure(WsSession<?> session) {
		for (WsMetricsListener listener : this.listeners) {
			listener.backpressure(session);
		}
	}

	@Override
	public void dropped(WsSession<?> session, String reason) {
		for (WsMetricsListener listener : this.listeners) {
			listener.dropped(session, reason);
		}
	}

	@Override
	public void upgradeRejected(String path, String reason) {
		for (WsMetricsListener listener : this.listeners) {
			listener.upgradeRejected(path, reason);
		}
	}

	@Override
	public void topicRefused(@Nullable String path, String reason) {
		for (WsMetricsListener listener : this.listeners) {
			listener.topicRefused(path, reason);
		}
	}

	@Override
	public void resumed(@Nullable String path, boolean recovered, int replayed) {
		for (WsMetricsListener listener : this.listeners) {
			listener.resumed(path, recovered, replayed);
		}
	}

	@Override
	public HandlerCall handlerStarted(WsSession<?> session, String messageType) {
		if (this.observers.length == 0) {
			return HandlerCall.NONE;
		}
		if (this.observers.length == 1) {
			return this.observers[0].handlerStarted(session, messageType);
		}
		HandlerCall[] calls = new HandlerCall[this.observers.length];
		for (int i = 0; i < calls.length; i++) {
			calls[i] = this.observers[i].handlerStarted(session, messageType);
		}
		return new HandlerCall() {

			@Override
			public void failed(Throwable error) {
				for (HandlerCall call : calls) {
					call.failed(error);
				}
			}

			@Override
			public void end() {
				// Reverse order, so nested scopes (observations) close innermost first.
				for (int i = calls.length - 1; i >= 0; i--) {
					calls[i].end();
				}
			}
		};
	}

}
