package dev.wspubsub.it;

import java.util.concurrent.CompletableFuture;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.it.Messages.Greeting;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * An asynchronous {@code @OnUpgrade}: the upgrade waits until the test opens the gate.
 */
@WsEndpoint("/slow-upgrade")
class SlowUpgradeEndpoint {

	private final Gate gate;

	SlowUpgradeEndpoint(Gate gate) {
		this.gate = gate;
	}

	@OnUpgrade
	Mono<String> upgrade() {
		return Mono.fromFuture(this.gate.current);
	}

	@OnOpen
	Greeting open(WsSession<String> ws) {
		return new Greeting("welcome", ws.data());
	}

	/** Holds upgrades until a test completes the current future. */
	@Component
	static class Gate {

		volatile CompletableFuture<String> current = new CompletableFuture<>();

		CompletableFuture<String> arm() {
			this.current = new CompletableFuture<>();
			return this.current;
		}

	}

}
