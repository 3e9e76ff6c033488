package dev.wspubsub.testapp;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * {@link EchoEndpoint} alone, for {@link UpgradeGuardsWithoutSpringSecurityTests}: the
 * origin check, connection caps and rate limit in an application without Spring Security.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ Events.class, EchoEndpoint.class })
public class GuardedApplication {

}
