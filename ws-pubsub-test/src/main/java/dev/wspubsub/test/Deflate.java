package dev.wspubsub.test;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Compresses payloads the way a permessage-deflate (RFC 7692) client does, for raw-frame
 * tests.
 */
public final class Deflate {

	private Deflate() {
	}

	/**
	 * Deflates {@code data} and ends with a sync flush, whose 4-byte tail
	 * ({@code 00 00 ff ff}) stays: the part of a message that one fragment carries.
	 * @param deflater a raw ({@code nowrap}) deflater; its context carries over between
	 * calls
	 * @param data the bytes to compress
	 * @return the compressed bytes, tail included
	 */
	public static byte[] flush(Deflater deflater, byte[] data) {
		deflater.setInput(data);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int n;
		do {
			n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
			out.write(buffer, 0, n);
		}
		while (n == buffer.length);
		return out.toByteArray();
	}

}
