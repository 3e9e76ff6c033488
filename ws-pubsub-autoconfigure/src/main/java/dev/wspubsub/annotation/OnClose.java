package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called once when the connection has closed, after it left all its topics. At most one
 * per endpoint. Parameters, by type: {@code WsSession}, {@code int} (the close code, 1006
 * when the connection dropped without a close frame), {@code String} (the reason),
 * {@code UpgradeRequest}, {@code Principal}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnClose {

}
