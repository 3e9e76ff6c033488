package dev.wspubsub.observability;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A small application for the observability tests: rooms to join and talk in. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(RoomsApplication.RoomsEndpoint.class)
public class RoomsApplication {

	@WsEndpoint("/rooms")
	static class RoomsEndpoint {

		@OnMessage("join")
		Joined join(WsSession<?> ws, Join join) {
			ws.subscribe(join.room());
			return new Joined("joined", join.room(), ws.id());
		}

		@OnMessage("say")
		void say(WsSession<?> ws, Say say) {
			ws.publish(say.room(), new Said("said", say.text()));
		}

		@OnMessage("boom")
		void boom() {
			throw new IllegalStateException("boom");
		}

	}

	record Join(String room) {
	}

	record Joined(String type, String room, String id) {
	}

	record Say(String room, String text) {
	}

	record Said(String type, String text) {
	}

}
