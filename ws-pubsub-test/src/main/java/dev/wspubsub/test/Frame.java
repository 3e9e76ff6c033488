package dev.wspubsub.test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A WebSocket frame as read or described by {@link RawWebSocket}, with its payload
 * unmasked.
 *
 * @param fin the FIN bit: {@code true} on the last frame of a message
 * @param rsv the three RSV bits as a number from 0 to 7
 * @param opcode the opcode; see the constants of this record
 * @param payload the payload bytes
 */
public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {

	/** Opcode of a continuation frame. */
	public static final int CONTINUATION = 0x0;

	/** Opcode of a text frame. */
	public static final int TEXT = 0x1;

	/** Opcode of a binary frame. */
	public static final int BINARY = 0x2;

	/** Opcode of a close frame. */
	public static final int CLOSE = 0x8;

	/** Opcode of a ping frame. */
	public static final int PING = 0x9;

	/** Opcode of a pong frame. */
	public static final int PONG = 0xA;

	/**
	 * The payload decoded as UTF-8, for text and continuation frames.
	 * @return the text; malformed UTF-8 is replaced, not rejected
	 */
	public String text() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

	/**
	 * The status code of a close frame.
	 * @return the code, or {@code -1} when the payload holds no code
	 */
	public int closeCode() {
		return (this.payload.length >= 2) ? ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF) : -1;
	}

	/**
	 * The reason of a close frame.
	 * @return the UTF-8 text after the status code, empty when there is none
	 */
	public String closeReason() {
		return (this.payload.length > 2) ? new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8)
				: "";
	}

	/**
	 * Describes the frame, with the payload shown as text for text, continuation and
	 * close frames.
	 * @return for example {@code Frame[TEXT, fin, 5 bytes: hello]}
	 */
	@Override
	public String toString() {
		String description = "Frame[" + opcodeName() + (this.fin ? ", fin" : "")
				+ ((this.rsv != 0) ? ", rsv=" + this.rsv : "") + ", " + this.payload.length + " bytes";
		if (this.opcode == CLOSE && this.payload.length >= 2) {
			return description + ": " + closeCode() + " " + closeReason() + "]";
		}
		boolean textual = this.opcode == TEXT || this.opcode == CONTINUATION;
		return description + ((textual && this.payload.length > 0) ? ": " + WsInbox.abbreviate(text()) : "") + "]";
	}

	/**
	 * Encodes this frame with the shortest length encoding, masking the payload with a
	 * random key when {@code masked}; nothing is validated so that invalid frames can be
	 * produced.
	 */
	byte[] encode(boolean masked, SecureRandom random) {
		int length = this.payload.length;
		int lengthBytes = (length < 126) ? 0 : (length <= 0xFFFF) ? 2 : 8;
		int headerSize = 2 + lengthBytes + (masked ? 4 : 0);
		byte[] frame = new byte[headerSize + length];
		frame[0] = (byte) ((this.fin ? 0x80 : 0) | ((this.rsv & 0x7) << 4) | (this.opcode & 0xF));
		frame[1] = (byte) ((masked ? 0x80 : 0) | ((lengthBytes == 0) ? length : (lengthBytes == 2) ? 126 : 127));
		for (int i = 0; i < lengthBytes; i++) {
			frame[2 + i] = (byte) (((long) length) >>> (8 * (lengthBytes - 1 - i)));
		}
		byte[] mask = new byte[4];
		if (masked) {
			random.nextBytes(mask);
			System.arraycopy(mask, 0, frame, 2 + lengthBytes, 4);
		}
		for (int i = 0; i < length; i++) {
			frame[headerSize + i] = (byte) (this.payload[i] ^ mask[i & 3]);
		}
		return frame;
	}

	private String opcodeName() {
		switch (this.opcode) {
			case CONTINUATION:
				return "CONTINUATION";
			case TEXT:
				return "TEXT";
			case BINARY:
				return "BINARY";
			case CLOSE:
				return "CLOSE";
			case PING:
				return "PING";
			case PONG:
				return "PONG";
			default:
				return "opcode " + this.opcode;
		}
	}
}
