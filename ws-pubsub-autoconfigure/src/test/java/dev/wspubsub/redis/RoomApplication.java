package dev.wspubsub.redis;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application node for the Redis fan-out tests: one endpoint, {@link RoomEndpoint}.
 */
@SpringBootApplication
public class RoomApplication {

}
