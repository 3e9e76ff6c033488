package dev.wspubsub.testapp;

import java.util.concurrent.CompletableFuture;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.testapp.Messages.Greeting;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * An asynchronous {@code @OnUpgrade}: the upgrade waits until the test opens the gate.
 */
@WsEndpoint("/slow-upgrade")
public class SlowUpgradeEndpoint {

	private final Gate gate;

	public SlowUpgradeEndpoint(Gate gate) {
		this.gate = gate;
	}

	@OnUpgrade
	public Mono<String> upgrade() {
		return Mono.fromFuture(this.gate.current);
	}

	@OnOpen
	public Greeting open(WsSession<String> ws) {
		return new Greeting("welcome", ws.data());
	}

	/** Holds upgrades until a test completes the current future. */
	@Component
	public static class Gate {

		volatile CompletableFuture<String> current = new CompletableFuture<>();

		public CompletableFuture<String> arm() {
			this.current = new CompletableFuture<>();
			return this.current;
		}

	}

}
