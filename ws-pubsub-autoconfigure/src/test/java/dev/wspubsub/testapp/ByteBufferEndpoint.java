package dev.wspubsub.testapp;

import java.nio.ByteBuffer;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

/** A raw binary handler taking a {@link ByteBuffer}: answers the bytes reversed. */
@WsEndpoint("/byte-buffer")
public class ByteBufferEndpoint {

	@OnMessage
	public byte[] reverse(ByteBuffer data) {
		byte[] reversed = new byte[data.remaining()];
		for (int i = reversed.length - 1; i >= 0; i--) {
			reversed[i] = data.get();
		}
		return reversed;
	}

}
