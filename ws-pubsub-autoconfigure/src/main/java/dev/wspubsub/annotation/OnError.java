package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Replaces the default error reply ({@code {"type":"error","error":"..."}}) when a
 * message cannot be decoded or validated or a handler throws. One per exception type: the
 * most specific match is called. Parameters, by type: {@code WsSession},
 * {@code Throwable} (or a subtype: the method is then called only for that type). A
 * return value is sent to the client; returning nothing sends nothing. The connection
 * stays open unless the method closes it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnError {

}
