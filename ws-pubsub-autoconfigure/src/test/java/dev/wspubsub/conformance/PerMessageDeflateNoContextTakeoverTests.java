package dev.wspubsub.conformance;

import java.util.Arrays;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static dev.wspubsub.conformance.PerMessageDeflateContextTakeoverTests.OFFER;
import static dev.wspubsub.conformance.PerMessageDeflateContextTakeoverTests.TEXT;
import static dev.wspubsub.conformance.PerMessageDeflateContextTakeoverTests.compressedEcho;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ws-pubsub.per-message-deflate.server-no-context-takeover} and
 * {@code client-no-context-takeover}: the 101 answers any permessage-deflate offer with
 * both parameters (RFC 7692 §7.1.1 lets a server add them to an offer that lacks them),
 * the server compresses each message on its own, and it inflates each client message on
 * its own.
 */
@SpringBootTest(classes = ConformanceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.per-message-deflate.server-no-context-takeover=true",
				"ws-pubsub.per-message-deflate.client-no-context-takeover=true" })
class PerMessageDeflateNoContextTakeoverTests extends ConformanceTestSupport {

	private static final int RSV1 = 0b100;

	@Test
	void aPlainOfferIsAnsweredWithBothNoContextTakeoverParameters() {
		try (RawWebSocket ws = connect("/deflate-send", OFFER)) {
			assertThat(parameters(ws)).containsExactlyInAnyOrder("permessage-deflate", "server_no_context_takeover",
					"client_no_context_takeover");
			closeCleanly(ws);
		}
	}

	@Test
	void aBrowserStyleOfferIsAnsweredWithBothNoContextTakeoverParameters() {
		try (RawWebSocket ws = connect("/deflate-send",
				Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
			assertThat(parameters(ws)).contains("permessage-deflate", "server_no_context_takeover",
					"client_no_context_takeover");
			closeCleanly(ws);
		}
	}

	@Test
	void twoIdenticalMessagesAreCompressedToTheSameBytes() throws DataFormatException {
		try (RawWebSocket ws = connect("/deflate-send", OFFER)) {
			Message first = compressedEcho(ws, TEXT);
			Message second = compressedEcho(ws, TEXT);
			assertThat(second.payload()).isEqualTo(first.payload());
			// Each stands alone: a fresh inflater reads the second.
			Inflater fresh = new Inflater(true);
			try {
				assertThat(PerMessageDeflateConformanceTests.decompress(fresh, second.payload())).asString()
					.isEqualTo(TEXT);
			}
			finally {
				fresh.end();
			}
			closeCleanly(ws);
		}
	}

	@Test
	void aClientThatResetsItsContextForEachMessageIsUnderstood() {
		try (RawWebSocket ws = connect("/deflate", OFFER)) {
			for (int i = 0; i < 3; i++) {
				Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
				try {
					ws.sendFrame(true, RSV1, Frame.TEXT,
							PerMessageDeflateConformanceTests.compress(deflater, utf8(TEXT)), true);
				}
				finally {
					deflater.end();
				}
				assertThat(readMessage(ws).rsv()).as("/deflate replies uncompressed").isZero();
			}
			closeCleanly(ws);
		}
	}

	@Test
	void aClientThatKeepsItsContextAgainstTheNegotiationIsClosedWith1007() {
		// The server's inflater starts afresh for each message, so a back-reference into
		// the
		// previous message is invalid data.
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			byte[] first = PerMessageDeflateConformanceTests.compress(deflater, utf8(TEXT));
			byte[] second = PerMessageDeflateConformanceTests.compress(deflater, utf8(TEXT));
			assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, () -> connect("/deflate", OFFER), (ws) -> {
				ws.sendFrame(true, RSV1, Frame.TEXT, first, true);
				assertThat(readMessage(ws).text()).isEqualTo(TEXT);
				ws.sendFrame(true, RSV1, Frame.TEXT, second, true);
			});
		}
		finally {
			deflater.end();
		}
	}

	/**
	 * The extension and its parameters from the 101's {@code Sec-WebSocket-Extensions}.
	 */
	private static String[] parameters(RawWebSocket ws) {
		String header = ws.header("Sec-WebSocket-Extensions");
		assertThat(header).as("Sec-WebSocket-Extensions of the 101").isNotNull();
		return Arrays.stream(header.split(";")).map(String::trim).toArray(String[]::new);
	}

}
