package dev.wspubsub.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal application with the test endpoints of this package. */
@SpringBootApplication
public class EchoApplication {
}
