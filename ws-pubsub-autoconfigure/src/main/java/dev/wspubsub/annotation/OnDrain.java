package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called when a connection whose sends answered {@code -1} (backpressure) is writable
 * again. At most one per endpoint. Parameter: {@code WsSession}. Must not publish.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnDrain {

}
