/**
 * Spring Boot Actuator support: the {@code wspubsub} endpoint, the {@code wsPubSub}
 * health indicator, Micrometer meters and an Observation around each handler call.
 */
@NullMarked
package dev.wspubsub.internal.actuate;

import org.jspecify.annotations.NullMarked;
