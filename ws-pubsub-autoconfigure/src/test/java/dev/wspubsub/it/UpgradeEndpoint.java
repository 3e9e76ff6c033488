package dev.wspubsub.it;

import java.util.Map;

import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.it.Messages.Greeting;
import dev.wspubsub.it.Messages.Result;
import dev.wspubsub.it.Messages.Visitor;

/**
 * Builds the connection's data from the upgrade request, or refuses it without a
 * username.
 */
@WsEndpoint("/upgrade")
class UpgradeEndpoint {

	@OnUpgrade
	Visitor upgrade(UpgradeRequest request) {
		String name = request.queryParam("username")
			.orElseThrow(() -> new UpgradeRejectedException(400, "Username required"));
		return new Visitor(name, request.path(), request.queryParams("tag"), request.header("X-Client").orElse(""),
				request.cookie("session").orElse(""));
	}

	@OnOpen
	Greeting open(WsSession<Visitor> ws) {
		return new Greeting("welcome", ws.data().name());
	}

	@OnMessage("whoami")
	Result whoami(WsSession<Visitor> ws) {
		return new Result("whoami", ws.data());
	}

	/** The upgrade request read again long after the upgrade, from a message handler. */
	@OnMessage("request")
	Result request(UpgradeRequest request) {
		return new Result("request",
				Map.of("path", request.path(), "tags", request.queryParams("tag"), "agent",
						request.header("x-client").orElse(""), "cookie", request.cookie("session").orElse(""), "accept",
						request.headers().getOrEmpty("Accept"), "subprotocols", request.subprotocols()));
	}

}
