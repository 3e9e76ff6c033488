package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called once the connection is open, on its event loop. At most one per endpoint.
 * Parameters, by type: {@code WsSession}, {@code UpgradeRequest}, {@code Principal}. A
 * return value is sent to the new connection.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnOpen {

}
