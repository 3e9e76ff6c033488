package dev.wspubsub.bench.client;

import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;

/** Encodes the client's frames: masked, as RFC 6455 requires of every client frame. */
final class Frames {

	static final int TEXT = 0x1;

	static final int CLOSE = 0x8;

	static final int PING = 0x9;

	static final int PONG = 0xA;

	private Frames() {
	}

	/**
	 * Appends one final frame of {@code opcode} carrying {@code payload}, under a fresh
	 * mask.
	 */
	static void writeMasked(ByteBuf out, int opcode, byte[] payload) {
		writeMasked(out, opcode, payload, 0, payload.length);
	}

	static void writeMasked(ByteBuf out, int opcode, byte[] payload, int offset, int length) {
		out.writeByte(0x80 | opcode);
		if (length < 126) {
			out.writeByte(0x80 | length);
		}
		else if (length < 65536) {
			out.writeByte(0x80 | 126);
			out.writeShort(length);
		}
		else {
			out.writeByte(0x80 | 127);
			out.writeLong(length);
		}
		int mask = ThreadLocalRandom.current().nextInt();
		out.writeInt(mask);
		for (int i = 0; i < length; i++) {
			int shift = 24 - 8 * (i & 3);
			out.writeByte(payload[offset + i] ^ (mask >>> shift));
		}
	}

	/**
	 * Appends a masked frame whose payload is read from {@code payload} (for echoing a
	 * ping).
	 */
	static void writeMasked(ByteBuf out, int opcode, ByteBuf payload) {
		byte[] bytes = new byte[payload.readableBytes()];
		payload.getBytes(payload.readerIndex(), bytes);
		writeMasked(out, opcode, bytes);
	}

}
