package dev.wspubsub.sample.chat;

import dev.wspubsub.StreamPosition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The notice a room's pages get when a gap in it cannot be repaired. */
class RoomResetNoticeTests {

	@Test
	void aRoomsResetIsRoomResetWithTheRoomAndThePositionToResumeFrom() {
		Object notice = new RoomResetNotice().notice("room:general", new StreamPosition("k3x9", 42));
		assertThat(JsonMapper.shared().writeValueAsString(notice))
			.isEqualTo("{\"type\":\"room_reset\",\"room\":\"general\",\"epoch\":\"k3x9\",\"offset\":42}");
	}

}
