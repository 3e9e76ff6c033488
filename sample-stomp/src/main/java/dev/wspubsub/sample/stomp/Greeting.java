package dev.wspubsub.sample.stomp;

/** What everyone on {@code /topic/greetings} receives. */
public record Greeting(String content) {

}
