/** The chat benchmark on Spring MVC, spring-websocket and Tomcat. */
@NullMarked
package dev.wspubsub.bench.mvc;

import org.jspecify.annotations.NullMarked;
