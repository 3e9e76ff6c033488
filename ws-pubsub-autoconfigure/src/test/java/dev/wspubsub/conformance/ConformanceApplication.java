package dev.wspubsub.conformance;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The server the RFC 6455 conformance tests talk to: echo endpoints that differ only in
 * their settings, so one running server covers the default, a small payload limit,
 * permessage-deflate and both together; and one that compresses what it sends.
 */
@SpringBootApplication
public class ConformanceApplication {

	/**
	 * Echoes text as text and binary as binary; the endpoints below differ in their
	 * settings only.
	 */
	abstract static class Echo {

		@OnMessage
		String text(String text) {
			return text;
		}

		@OnMessage
		byte[] binary(byte[] data) {
			return data;
		}

	}

	/** With the default settings. */
	@WsEndpoint("/echo")
	static class EchoEndpoint extends Echo {

	}

	/** With messages limited to 64 KB. */
	@WsEndpoint(path = "/limited", maxPayloadLength = "64KB")
	static class LimitedEchoEndpoint extends Echo {

	}

	/** Offering permessage-deflate to clients that ask for it. */
	@WsEndpoint(path = "/deflate", perMessageDeflate = "true")
	static class DeflateEchoEndpoint extends Echo {

	}

	/**
	 * Offering permessage-deflate, and echoing text compressed: {@code send(text, true)}.
	 */
	@WsEndpoint(path = "/deflate-send", perMessageDeflate = "true")
	static class CompressingEchoEndpoint {

		@OnMessage
		void text(WsSession<?> ws, String text) {
			ws.send(text, true);
		}

	}

	/** As {@code /deflate}, with messages limited to 64 KB once inflated. */
	@WsEndpoint(path = "/deflate-limited", perMessageDeflate = "true", maxPayloadLength = "64KB")
	static class LimitedDeflateEchoEndpoint extends Echo {

	}

}
