package dev.wspubsub.sample.stomp;

/** What the page sends to {@code /app/hello}. */
public record HelloMessage(String name) {

}
