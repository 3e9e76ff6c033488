package dev.wspubsub.conformance;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The server the RFC 6455 conformance tests talk to: three echo endpoints that differ only in
 * their settings, so one running server covers the default, a small payload limit and
 * permessage-deflate.
 */
@SpringBootApplication
public class ConformanceApplication {

	/** Echoes text as text and binary as binary, with the default settings. */
	@WsEndpoint("/echo")
	static class EchoEndpoint {

		@OnMessage
		String text(String text) {
			return text;
		}

		@OnMessage
		byte[] binary(byte[] data) {
			return data;
		}

	}

	/** Echoes like {@code /echo}, with messages limited to 64 KB. */
	@WsEndpoint(path = "/limited", maxPayloadLength = "64KB")
	static class LimitedEchoEndpoint {

		@OnMessage
		String text(String text) {
			return text;
		}

		@OnMessage
		byte[] binary(byte[] data) {
			return data;
		}

	}

	/** Echoes like {@code /echo}, offering permessage-deflate to clients that ask for it. */
	@WsEndpoint(path = "/deflate", perMessageDeflate = "true")
	static class DeflateEchoEndpoint {

		@OnMessage
		String text(String text) {
			return text;
		}

		@OnMessage
		byte[] binary(byte[] data) {
			return data;
		}

	}

}
