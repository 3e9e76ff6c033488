package dev.wspubsub.testapp;

import java.time.Duration;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import reactor.core.publisher.Mono;

/**
 * Echoes text after an upgrade that completes on another thread, as a token check or a
 * lookup would.
 */
@WsEndpoint("/async-echo")
public class AsyncUpgradeEchoEndpoint {

	@OnUpgrade
	public Mono<String> upgrade() {
		return Mono.delay(Duration.ofMillis(1)).thenReturn("checked");
	}

	@OnMessage
	public String text(String text) {
		return text;
	}

}
