package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Connects a bean method to a topic. On a method returning a {@code Publisher} (a
 * {@code Flux}), every element is published to the topic, cluster-wide, from start-up
 * until shutdown. On a method with one parameter, the method is called for every message
 * published to the topic on any node (a {@code String}, {@code byte[]} or a type bound
 * from JSON). Listener methods run on the publishing thread and must not block.
 *
 * <pre class="code">
 * &#64;Topic("metrics") Flux&lt;Snapshot&gt; stream() { return Flux.interval(SECOND).map(t -&gt; snapshot()); }
 * &#64;Topic("alerts")  void onAlert(Alert alert) { log.warn("{}", alert); }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Topic {

	/** The topic name. */
	String value();

}
