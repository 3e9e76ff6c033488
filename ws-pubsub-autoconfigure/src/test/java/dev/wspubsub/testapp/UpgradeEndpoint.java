package dev.wspubsub.testapp;

import java.util.Map;

import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.testapp.Messages.Greeting;
import dev.wspubsub.testapp.Messages.Result;
import dev.wspubsub.testapp.Messages.Visitor;

/**
 * Builds the connection's data from the upgrade request, or refuses it without a
 * username.
 */
@WsEndpoint("/upgrade")
public class UpgradeEndpoint {

	@OnUpgrade
	public Visitor upgrade(UpgradeRequest request) {
		String name = request.queryParam("username")
			.orElseThrow(() -> new UpgradeRejectedException(400, "Username required"));
		return new Visitor(name, request.path(), request.queryParams("tag"), request.header("X-Client").orElse(""),
				request.cookie("session").orElse(""));
	}

	@OnOpen
	public Greeting open(WsSession<Visitor> ws) {
		return new Greeting("welcome", ws.data().name());
	}

	@OnMessage("whoami")
	public Result whoami(WsSession<Visitor> ws) {
		return new Result("whoami", ws.data());
	}

	/** The upgrade request read again long after the upgrade, from a message handler. */
	@OnMessage("request")
	public Result request(UpgradeRequest request) {
		return new Result("request",
				Map.of("path", request.path(), "tags", request.queryParams("tag"), "agent",
						request.header("x-client").orElse(""), "cookie", request.cookie("session").orElse(""), "accept",
						request.headers().getOrEmpty("Accept"), "subprotocols", request.subprotocols()));
	}

}
