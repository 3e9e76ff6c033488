package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Shapes the notice a subscriber of a topic with history gets when a gap in what it was
 * delivered cannot be repaired (the topic's history restarted, or no longer holds the
 * missed publications): the client should reload the topic and resume from the position
 * the notice carries, that of the last publication before the live ones that follow it.
 * At most one per endpoint. Parameters, by type: {@code String} (the topic),
 * {@code StreamPosition} (where it goes on from), {@code WsSession}, {@code Principal}.
 * The return value is sent to the subscriber in the topic's order, encoded like a
 * published message (JSON unless {@code String} or {@code byte[]}); returning
 * {@code null} sends nothing. Called on the connection's event loop: must not block.
 *
 * <p>
 * Without one the subscriber gets
 * {@code {"type":"topic_reset","topic":"<topic>","epoch":"<epoch>","offset":<offset>}},
 * which the browser client hands to its {@code topic_reset} listeners and whose position
 * it records for the topic, so that its next resume starts there. A method that throws
 * also sends that default: the client is never left unaware.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnTopicReset {

}
