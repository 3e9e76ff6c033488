package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles messages from clients. {@code @OnMessage("type")} receives JSON text whose
 * {@code type} field equals the value, bound with Jackson to the message parameter (a
 * record, a POJO or {@code JsonNode}; annotate it {@code @Valid} to validate it). A plain
 * {@code @OnMessage} receives what no typed handler took: a {@code String} parameter for
 * text, {@code byte[]} or {@code ByteBuffer} for binary; one of each per endpoint. Other
 * parameters, by type: {@code WsSession}, {@code UpgradeRequest}, {@code Principal}.
 *
 * <p>
 * A return value is sent to the sender (JSON unless {@code String} or {@code byte[]}); a
 * {@code Mono} or {@code Publisher} sends each value. Messages of one connection are
 * handled one at a time, in order, also when a handler is asynchronous or blocking.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnMessage {

	/**
	 * The JSON {@code type} this method handles; empty for the raw text or binary
	 * handler.
	 */
	String value() default "";

	/**
	 * Whether the method blocks: it then runs on a bounded pool, off the event loop,
	 * still in order.
	 */
	boolean blocking() default false;

}
