package dev.wspubsub.sample.chat;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.sample.chat.ServerMessage.RoomReset;
import dev.wspubsub.spi.TopicResetNotice;

import org.springframework.stereotype.Component;

/**
 * What a room's pages get when a gap in it cannot be repaired:
 * {@code {"type":"room_reset","room":..,"epoch":..,"offset":..}}; the page reloads the
 * room's history.
 */
@Component
class RoomResetNotice implements TopicResetNotice {

	@Override
	public Object notice(String topic, StreamPosition current) {
		String room = topic.startsWith(ChatEndpoint.ROOM_PREFIX) ? topic.substring(ChatEndpoint.ROOM_PREFIX.length())
				: topic;
		return new RoomReset(room, current.epoch(), current.offset());
	}

}
