package dev.wspubsub.conformance;

import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate with the default {@code ws-pubsub.per-message-deflate.*} settings:
 * context takeover on both sides, so a message like the previous one is compressed
 * against it.
 */
class PerMessageDeflateContextTakeoverTests extends ConformanceTestSupport {

	static final Map<String, String> OFFER = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");

	/**
	 * Long enough to compress, short enough for one window: a repeat is mostly one
	 * back-reference.
	 */
	static final String TEXT = "The quick brown fox jumps over the lazy dog, " + "and again ".repeat(20) + "12345";

	@Test
	void theHandshakeNegotiatesNoContextTakeoverParameter() {
		try (RawWebSocket ws = connect("/deflate-send", OFFER)) {
			assertThat(ws.header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
			closeCleanly(ws);
		}
	}

	@Test
	void theSecondOfTwoIdenticalMessagesIsCompressedAgainstTheFirst() throws DataFormatException {
		Inflater inflater = new Inflater(true);
		try (RawWebSocket ws = connect("/deflate-send", OFFER)) {
			Message first = compressedEcho(ws, TEXT);
			Message second = compressedEcho(ws, TEXT);
			// One inflater for both: the second needs the first's window.
			assertThat(PerMessageDeflateConformanceTests.decompress(inflater, first.payload())).asString()
				.isEqualTo(TEXT);
			assertThat(PerMessageDeflateConformanceTests.decompress(inflater, second.payload())).asString()
				.isEqualTo(TEXT);
			assertThat(second.payload().length).isLessThan(first.payload().length / 2);
			closeCleanly(ws);
		}
		finally {
			inflater.end();
		}
	}

	/** Sends {@code text} and reads the reply, which {@code /deflate-send} compresses. */
	static Message compressedEcho(RawWebSocket ws, String text) {
		ws.sendText(text);
		Message reply = readMessage(ws);
		assertThat(reply.rsv()).as("RSV1: compressed").isEqualTo(0b100);
		return reply;
	}

}
