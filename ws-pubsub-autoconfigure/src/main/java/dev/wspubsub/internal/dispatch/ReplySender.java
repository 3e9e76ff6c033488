package dev.wspubsub.internal.dispatch;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Sends what a handler method returned, for the JSON endpoints and the STOMP controllers
 * alike: a value at once, a {@code Publisher} element by element as they come, with the
 * stream's start and end reported so the caller can hold the connection's later messages
 * until it is over.
 */
public final class ReplySender {

	private ReplySender() {
	}

	/**
	 * Sends {@code result} through {@code sink}: nothing for {@code null}, each element
	 * of a {@code Publisher}, else the value itself.
	 * @return the running subscription to a returned stream, whose end is reported to
	 * {@code stream}; {@code null} when the result was sent (or there was none) and
	 * nothing runs on
	 */
	public static @Nullable Disposable send(@Nullable Object result, Consumer<Object> sink, Stream stream) {
		if (result == null) {
			return null;
		}
		if (result instanceof Publisher<?> publisher) {
			stream.started();
			return Flux.from(publisher).subscribe(sink, stream::failed, stream::completed);
		}
		sink.accept(result);
		return null;
	}

	/** What becomes of a returned stream. */
	public interface Stream {

		/** Called before subscribing, so an end that comes at once is never early. */
		default void started() {
		}

		/** The stream failed with {@code error}; nothing more is sent. */
		void failed(Throwable error);

		/** The stream completed. */
		void completed();

	}

}
