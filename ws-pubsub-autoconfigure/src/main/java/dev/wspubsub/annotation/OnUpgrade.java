package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Builds the data attached to a connection before the 101 is sent; its return value (or
 * the value of a returned {@code Mono}) becomes {@code ws.data()}. Throw
 * {@link dev.wspubsub.UpgradeRejectedException} to refuse the upgrade with a status. At
 * most one per endpoint. Parameters, by type: {@code UpgradeRequest},
 * {@code ServerWebExchange}, {@code Principal}; with Spring Security also
 * {@code Authentication}, {@code Jwt} and any parameter annotated
 * {@code @AuthenticationPrincipal} (every handler kind accepts these too).
 *
 * <pre class="code">
 * &#64;OnUpgrade
 * ChatUser upgrade(UpgradeRequest request, &#64;AuthenticationPrincipal Jwt jwt) {
 *     String name = request.queryParam("username")
 *         .orElseThrow(() -&gt; new UpgradeRejectedException(400, "Username required"));
 *     return new ChatUser(UUID.randomUUID().toString(), name);
 * }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnUpgrade {

}
