package dev.wspubsub.conformance;

import java.util.Base64;
import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §4.2.1: what an opening handshake must carry, and the HTTP answer when it does
 * not.
 */
class HandshakeConformanceTests extends ConformanceTestSupport {

	@ParameterizedTest(name = "{0}")
	@ValueSource(
			strings = { "not-a-key", "dGhlIHNhbXBsZSBub25jZQ", "AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAA" })
	void secWebSocketKeyThatIsNotTheBase64OfSixteenBytesAnswers400(String key) {
		// Left to right: not base64; 16 bytes without padding; 15 bytes; 18 bytes.
		try (RawWebSocket ws = connect("/echo", Map.of("Sec-WebSocket-Key", key))) {
			assertThat(ws.status()).as("%s", ws).isEqualTo(400);
			assertThat(ws.responseBody()).contains("Sec-WebSocket-Key");
		}
		assertFreshClientIsEchoed();
	}

	@Test
	void secWebSocketKeyOfSixteenRandomBytesIsAccepted() {
		String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes());
		try (RawWebSocket ws = connect("/echo", Map.of("Sec-WebSocket-Key", key))) {
			assertThat(ws.status()).isEqualTo(101);
			assertEchoed(ws, "keyed");
			closeCleanly(ws);
		}
	}

	@ParameterizedTest(name = "Connection: \"{0}\"")
	@ValueSource(strings = { "", "keep-alive", "close" })
	void upgradeWithoutConnectionUpgradeAnswersAnHttpErrorSayingWhatIsMissing(String connection) {
		// An empty value removes the header from the request.
		try (RawWebSocket ws = connect("/echo", Map.of("Connection", connection))) {
			assertThat(ws.status()).as("%s", ws).isIn(400, 426);
			assertThat(ws.responseBody()).contains("Connection").contains("Upgrade");
		}
		assertFreshClientIsEchoed();
	}

	@Test
	void connectionHeaderListingUpgradeAmongOtherTokensIsAccepted() {
		// Firefox sends "keep-alive, Upgrade".
		try (RawWebSocket ws = connect("/echo", Map.of("Connection", "keep-alive, Upgrade"))) {
			assertThat(ws.status()).isEqualTo(101);
			assertEchoed(ws, "firefox");
			closeCleanly(ws);
		}
	}

}
