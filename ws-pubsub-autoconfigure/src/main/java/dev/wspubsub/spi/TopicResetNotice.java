package dev.wspubsub.spi;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.StreamPosition;

/**
 * What the subscribers of a topic with history receive when this node cannot repair a gap
 * in what it delivered to them (the topic's epoch changed, or its history no longer holds
 * the missed publications): the message tells them to reload and resume from
 * {@code current}, the position of the last publication before the live ones that follow
 * the notice. Declare a bean to choose the shape; the value is encoded like any published
 * message (JSON unless {@code String} or {@code byte[]}).
 *
 * <p>
 * The default, {@link #DEFAULT}, is
 * {@code {"type":"topic_reset","topic":"<topic>","epoch":"<epoch>","offset":<offset>}};
 * the browser client records the position it carries for the topic, as it does for every
 * message with {@code epoch} and {@code offset}.
 */
@FunctionalInterface
public interface TopicResetNotice {

	/** The notice {@code {"type":"topic_reset","topic":..,"epoch":..,"offset":..}}. */
	TopicResetNotice DEFAULT = (topic, current) -> {
		Map<String, Object> notice = new LinkedHashMap<>();
		notice.put("type", "topic_reset");
		notice.put("topic", topic);
		notice.put("epoch", current.epoch());
		notice.put("offset", current.offset());
		return notice;
	};

	/** The message every local subscriber of {@code topic} gets. */
	Object notice(String topic, StreamPosition current);

}
