package dev.wspubsub.internal.stomp;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The content type a MESSAGE frame gets for a topic's message, which carries bytes only:
 * what Spring's JSON converter made reads back as JSON, plain text stays text.
 */
class StompContentTypeTests {

	@Test
	void jsonObjectsArraysStringsAndScalarsAreJson() {
		assertThat(contentTypeOf("{\"a\":1}")).isEqualTo("application/json");
		assertThat(contentTypeOf("  [1,2]")).isEqualTo("application/json");
		assertThat(contentTypeOf("\"quoted\"")).isEqualTo("application/json");
		assertThat(contentTypeOf("42")).isEqualTo("application/json");
		assertThat(contentTypeOf("-1.5e3")).isEqualTo("application/json");
		assertThat(contentTypeOf("true")).isEqualTo("application/json");
	}

	@Test
	void otherTextIsPlainTextAndBytesAreOctets() {
		assertThat(contentTypeOf("hello")).isEqualTo("text/plain;charset=UTF-8");
		assertThat(contentTypeOf("42 apples")).isEqualTo("text/plain;charset=UTF-8");
		assertThat(contentTypeOf("")).isEqualTo("text/plain;charset=UTF-8");
		OutboundMessage bytes = OutboundMessage.bytes(ByteBufAllocator.DEFAULT, new byte[] { 1, 2 }, false, false);
		assertThat(StompWriter.contentType(bytes)).isEqualTo("application/octet-stream");
	}

	@Test
	void aLargeMessageIsLookedAtWithoutCopyingIt() {
		String large = "{\"a\":\"" + "x".repeat(5000) + "\"}";
		OutboundMessage message = OutboundMessage.text(ByteBufAllocator.DEFAULT, large, false);
		try {
			assertThat(message.isSmall()).isFalse();
			assertThat(StompWriter.contentType(message)).isEqualTo("application/json");
		}
		finally {
			message.release();
		}
	}

	private static String contentTypeOf(String text) {
		return StompWriter.contentType(OutboundMessage.text(ByteBufAllocator.DEFAULT, text, false));
	}

}
