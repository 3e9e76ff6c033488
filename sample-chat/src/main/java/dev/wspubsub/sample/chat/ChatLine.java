package dev.wspubsub.sample.chat;

/** One message of a room's history. */
public record ChatLine(String username, String text, long timestamp) {
}
