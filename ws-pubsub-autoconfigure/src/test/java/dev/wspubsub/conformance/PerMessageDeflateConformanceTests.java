package dev.wspubsub.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Deflate;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 7692 permessage-deflate against {@code /deflate}, whose {@code perMessageDeflate}
 * is on: negotiation, compressed messages both ways, and RSV1 where nothing was
 * negotiated.
 */
class PerMessageDeflateConformanceTests extends ConformanceTestSupport {

	/**
	 * RSV1, the first of the three reserved bits, as {@link Frame#rsv()} numbers them.
	 */
	private static final int RSV1 = 0b100;

	private static final Map<String, String> OFFER = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");

	/**
	 * RFC 7692 §7.2.1: the tail a sync flush leaves, removed by the sender and restored
	 * by the receiver.
	 */
	private static final byte[] TAIL = { 0x00, 0x00, (byte) 0xFF, (byte) 0xFF };

	@Test
	void handshakeOfferingPermessageDeflateGetsItInThe101() {
		try (RawWebSocket ws = connect("/deflate", OFFER)) {
			assertThat(ws.status()).isEqualTo(101);
			assertThat(ws.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
			closeCleanly(ws);
		}
	}

	@Test
	void handshakeWithoutTheOfferNegotiatesNoExtension() {
		try (RawWebSocket ws = connect("/deflate", Map.of())) {
			assertThat(ws.status()).isEqualTo(101);
			assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
			assertEchoed(ws, "plain");
			closeCleanly(ws);
		}
	}

	@Test
	void offerToAnEndpointWithoutDeflateIsDeclined() {
		try (RawWebSocket ws = connect("/echo", OFFER)) {
			assertThat(ws.status()).isEqualTo(101);
			assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
			closeCleanly(ws);
		}
	}

	@Test
	void compressedTextMessagesAreDecompressedAndEchoed() throws DataFormatException {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		Inflater inflater = new Inflater(true);
		try (RawWebSocket ws = connect("/deflate", OFFER)) {
			// Several messages through one compression context: context takeover on both
			// sides.
			for (int i = 0; i < 5; i++) {
				String text = "compressed message " + i + " " + "la".repeat(500) + " ☃";
				ws.sendFrame(true, RSV1, Frame.TEXT, compress(deflater, utf8(text)), true);
				Message reply = readMessage(ws);
				assertThat(reply.opcode()).isEqualTo(Frame.TEXT);
				byte[] payload = (reply.rsv() == RSV1) ? decompress(inflater, reply.payload()) : reply.payload();
				assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(text);
			}
			closeCleanly(ws);
		}
		finally {
			deflater.end();
			inflater.end();
		}
	}

	@Test
	void compressedBinaryAndUncompressedTextMixOnOneConnection() throws DataFormatException {
		Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
		Inflater inflater = new Inflater(true);
		byte[] data = new byte[10_000];
		for (int i = 0; i < data.length; i++) {
			data[i] = (byte) (i % 13);
		}
		try (RawWebSocket ws = connect("/deflate", OFFER)) {
			ws.sendFrame(true, RSV1, Frame.BINARY, compress(deflater, data), true);
			Message binary = readMessage(ws);
			assertThat(binary.opcode()).isEqualTo(Frame.BINARY);
			assertThat((binary.rsv() == RSV1) ? decompress(inflater, binary.payload()) : binary.payload())
				.isEqualTo(data);
			// RSV1 clear: this message is not compressed, which permessage-deflate
			// allows.
			ws.sendText("not compressed");
			Message text = readMessage(ws);
			byte[] payload = (text.rsv() == RSV1) ? decompress(inflater, text.payload()) : text.payload();
			assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("not compressed");
			closeCleanly(ws);
		}
		finally {
			deflater.end();
			inflater.end();
		}
	}

	@Test
	void fragmentedCompressedTextIsReassembledAndEchoed() throws DataFormatException {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		Inflater inflater = new Inflater(true);
		String text = "fragmented and compressed: " + "κόσμε ".repeat(300);
		byte[] compressed = compress(deflater, utf8(text));
		int half = compressed.length / 2;
		try (RawWebSocket ws = connect("/deflate", OFFER)) {
			// RSV1 on the first frame only: it marks the message, not the frame (RFC 7692
			// §6.1).
			ws.sendFrame(false, RSV1, Frame.TEXT, Arrays.copyOfRange(compressed, 0, half), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, Arrays.copyOfRange(compressed, half, compressed.length), true);
			Message reply = readMessage(ws);
			byte[] payload = (reply.rsv() == RSV1) ? decompress(inflater, reply.payload()) : reply.payload();
			assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(text);
			closeCleanly(ws);
		}
		finally {
			deflater.end();
			inflater.end();
		}
	}

	@ParameterizedTest(name = "frames of {0}, {1} and the rest")
	@CsvSource({ "1000, 1000", "1, 1", "0, 2", "2500, 0" })
	void compressedTextOf5000BytesInThreeFramesIsInflatedAndDelivered(int first, int second)
			throws DataFormatException {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		Inflater inflater = new Inflater(true);
		StringBuilder text = new StringBuilder();
		Random random = new Random(7);
		while (text.length() < 5000) {
			text.append((char) ('a' + random.nextInt(26)));
		}
		byte[] compressed = compress(deflater, utf8(text.toString()));
		int cut = Math.min(first, compressed.length);
		int cut2 = Math.min(cut + second, compressed.length);
		try (RawWebSocket ws = connect("/deflate", OFFER)) {
			// RSV1 on the first frame only: it marks the message, not the frame (RFC 7692
			// §6.1).
			// Any frame may inflate to nothing on its own; only the message as a whole
			// must inflate.
			ws.sendFrame(false, RSV1, Frame.TEXT, Arrays.copyOfRange(compressed, 0, cut), true);
			ws.sendFrame(false, 0, Frame.CONTINUATION, Arrays.copyOfRange(compressed, cut, cut2), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, Arrays.copyOfRange(compressed, cut2, compressed.length), true);
			Message reply = readMessage(ws);
			byte[] payload = (reply.rsv() == RSV1) ? decompress(inflater, reply.payload()) : reply.payload();
			assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(text.toString());
			assertEchoed(ws, "and the connection goes on");
			closeCleanly(ws);
		}
		finally {
			deflater.end();
			inflater.end();
		}
	}

	@Test
	void rsv1OnAContinuationOfACompressedMessageClosesWith1002() {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			byte[] compressed = compress(deflater, utf8("compressed, then RSV1 again ".repeat(20)));
			int half = compressed.length / 2;
			assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, () -> connect("/deflate", OFFER), (ws) -> {
				ws.sendFrame(false, RSV1, Frame.TEXT, Arrays.copyOfRange(compressed, 0, half), true);
				ws.sendFrame(true, RSV1, Frame.CONTINUATION, Arrays.copyOfRange(compressed, half, compressed.length),
						true);
			});
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void rsv1OnAContinuationOfAnUncompressedMessageClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, () -> connect("/deflate", OFFER), (ws) -> {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("plain "), true);
			ws.sendFrame(true, RSV1, Frame.CONTINUATION, utf8("then RSV1"), true);
		});
	}

	@Test
	void compressedFragmentThatCannotBeValidUtf8ClosesWith1007BeforeTheMessageEnds() {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			// Each fragment's deflate data ends in a sync flush, so it inflates to
			// exactly that fragment.
			byte[] first = Deflate.flush(deflater, utf8("hello "));
			byte[] second = Deflate.flush(deflater, bytes('w', 0xE0, 0x80));
			assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, () -> connect("/deflate", OFFER), (ws) -> {
				ws.sendFrame(false, RSV1, Frame.TEXT, first, true);
				ws.sendFrame(false, 0, Frame.CONTINUATION, second, true);
			});
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void smallCompressedMessageThatInflatesPastTheLimitClosesWith1009() {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			// A megabyte of zeros deflates to about a kilobyte: the limit is on what it
			// inflates to.
			byte[] bomb = compress(deflater, new byte[1024 * 1024]);
			assertThat(bomb.length).isLessThan(64 * 1024);
			assertViolationClosesWith(CloseCodes.MESSAGE_TOO_BIG, () -> connect("/deflate-limited", OFFER),
					(ws) -> ws.sendFrame(true, RSV1, Frame.BINARY, bomb, true));
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void fragmentedCompressedMessageWhoseInflatedTotalPassesTheLimitClosesWith1009() {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			byte[] compressed = compress(deflater, new byte[100 * 1024]);
			int third = compressed.length / 3;
			assertViolationClosesWith(CloseCodes.MESSAGE_TOO_BIG, () -> connect("/deflate-limited", OFFER), (ws) -> {
				ws.sendFrame(false, RSV1, Frame.BINARY, Arrays.copyOfRange(compressed, 0, third), true);
				ws.sendFrame(false, 0, Frame.CONTINUATION, Arrays.copyOfRange(compressed, third, 2 * third), true);
				ws.sendFrame(true, 0, Frame.CONTINUATION, Arrays.copyOfRange(compressed, 2 * third, compressed.length),
						true);
			});
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void compressedTextThatInflatesToInvalidUtf8ClosesWith1007() {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			byte[] compressed = compress(deflater, bytes('o', 'k', 0xFF));
			assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, () -> connect("/deflate", OFFER),
					(ws) -> ws.sendFrame(true, RSV1, Frame.TEXT, compressed, true));
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void compressedMessageThatIsNotDeflateDataClosesWith1007() {
		// 0xFF starts a block of reserved type 3: no inflater accepts it.
		assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, () -> connect("/deflate", OFFER),
				(ws) -> ws.sendFrame(true, RSV1, Frame.BINARY, bytes(0xFF, 0xFF, 0xFF, 0xFF), true));
	}

	@Test
	void rsv1OnAnEndpointWithoutDeflateClosesWith1002() {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			byte[] compressed = compress(deflater, utf8("looks compressed"));
			assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
					(ws) -> ws.sendFrame(true, RSV1, Frame.TEXT, compressed, true));
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void rsv1WhenTheClientDidNotOfferDeflateClosesWith1002() {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			byte[] compressed = compress(deflater, utf8("looks compressed"));
			assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, () -> connect("/deflate", Map.of()),
					(ws) -> ws.sendFrame(true, RSV1, Frame.TEXT, compressed, true));
		}
		finally {
			deflater.end();
		}
	}

	@Test
	void rsv2AndRsv3OnANegotiatedDeflateConnectionCloseWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, () -> connect("/deflate", OFFER),
				(ws) -> ws.sendFrame(true, 0b010, Frame.TEXT, utf8("rsv2"), true));
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, () -> connect("/deflate", OFFER),
				(ws) -> ws.sendFrame(true, 0b001, Frame.BINARY, utf8("rsv3"), true));
	}

	/**
	 * Deflates one message as RFC 7692 §7.2.1 says: a sync flush, then the empty-block
	 * tail removed.
	 */
	static byte[] compress(Deflater deflater, byte[] data) {
		byte[] compressed = Deflate.flush(deflater, data);
		assertThat(Arrays.copyOfRange(compressed, compressed.length - 4, compressed.length)).isEqualTo(TAIL);
		return Arrays.copyOf(compressed, compressed.length - 4);
	}

	/** Inflates one message of the server's, restoring the tail it removed. */
	static byte[] decompress(Inflater inflater, byte[] data) throws DataFormatException {
		byte[] input = Arrays.copyOf(data, data.length + TAIL.length);
		System.arraycopy(TAIL, 0, input, data.length, TAIL.length);
		inflater.setInput(input);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		while (!inflater.needsInput()) {
			int n = inflater.inflate(buffer);
			out.write(buffer, 0, n);
			if (n == 0 && inflater.needsInput()) {
				break;
			}
		}
		return out.toByteArray();
	}

}
