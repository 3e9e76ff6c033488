package dev.wspubsub.stomp;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsServer;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The STOMP protocol on raw frames, against a running application: negotiation, each
 * client command, receipts, framing across WebSocket messages, heart-beats, and a clear
 * ERROR then a close for every malformed frame, with other clients unaffected.
 */
@SpringBootTest(classes = StompApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.stomp.endpoints=/stomp", "ws-pubsub.stomp.heartbeat-send=100ms",
				"ws-pubsub.stomp.heartbeat-receive=100ms", "ws-pubsub.stomp.max-subscriptions-per-connection=3",
				"ws-pubsub.max-payload-length=4KB", "ws-pubsub.history.topics[0].pattern=/topic/history/*",
				"ws-pubsub.security.topic-rules[0].pattern=/topic/readonly",
				"ws-pubsub.security.topic-rules[0].publish=false" })
class StompConformanceTests {

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	StompApplication.TopicMethods topicMethods;

	URI uri(String path) {
		return URI.create("ws://localhost:" + this.port + path);
	}

	@Test
	void connectAnswersTheHighestVersionBothSpeakWithServerSessionAndHeartbeat() {
		try (RawStomp stomp = RawStomp.open(uri("/stomp"), "v12.stomp")) {
			assertThat(stomp.socket.header("Sec-WebSocket-Protocol")).isEqualTo("v12.stomp");
			stomp.send("CONNECT\naccept-version:1.0,1.1\nhost:localhost\n\n\0");
			RawStomp.Parsed connected = stomp.read();
			assertThat(connected.command()).isEqualTo("CONNECTED");
			assertThat(connected.header("version")).isEqualTo("1.1");
			assertThat(connected.header("server")).isEqualTo("ws-pubsub");
			assertThat(connected.header("heart-beat")).isEqualTo("100,100");
			assertThat(connected.header("session")).isNotBlank();
		}
	}

	@Test
	void theUpgradePassesTheOriginCheckOfEveryEndpoint() {
		assertThat(RawWebSocket.upgradeStatus(uri("/stomp"),
				Map.of("Origin", "http://evil.example", "Sec-WebSocket-Protocol", "v12.stomp")))
			.isEqualTo(403);
		assertThat(RawWebSocket.upgradeStatus(uri("/stomp"),
				Map.of("Origin", "http://localhost:" + this.port, "Sec-WebSocket-Protocol", "v12.stomp")))
			.isEqualTo(101);
	}

	@Test
	void theWebSocketSubprotocolCapsTheVersion() {
		try (RawStomp stomp = RawStomp.open(uri("/stomp"), "v11.stomp")) {
			stomp.send("STOMP\naccept-version:1.1,1.2\nhost:localhost\n\n\0");
			assertThat(stomp.read().header("version")).isEqualTo("1.1");
		}
	}

	@Test
	void aConnectWithoutAcceptVersionIsStomp10() {
		try (RawStomp stomp = RawStomp.open(uri("/stomp"), "v10.stomp")) {
			stomp.send("CONNECT\n\n\0");
			assertThat(stomp.read().header("version")).isEqualTo("1.0");
			// 1.0 needs no subscription id: the destination stands in for it.
			stomp.send("SUBSCRIBE\ndestination:/topic/ten\n\n\0");
			stomp.send("SEND\ndestination:/topic/ten\n\nold\0");
			RawStomp.Parsed message = stomp.read();
			assertThat(message.header("subscription")).isEqualTo("/topic/ten");
			assertThat(message.body()).isEqualTo("old");
		}
	}

	@Test
	void noCommonVersionIsAnErrorNamingTheVersionsSpoken() {
		try (RawStomp stomp = RawStomp.open(uri("/stomp"), "v12.stomp")) {
			stomp.send("CONNECT\naccept-version:2.0\n\n\0");
			assertThat(stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR).header("message"))
				.isEqualTo("no supported version in accept-version '2.0': this server speaks 1.0, 1.1 and 1.2");
		}
	}

	@Test
	void aFrameBeforeConnectIsAnError() {
		try (RawStomp stomp = RawStomp.open(uri("/stomp"), "v12.stomp")) {
			stomp.send("SEND\ndestination:/topic/a\n\nx\0");
			assertThat(stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR).header("message"))
				.isEqualTo("expected CONNECT or STOMP, got SEND");
		}
	}

	@Test
	void subscribeAndSendTopicMessagesWithSubscriptionIdDestinationAndContentType() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:sub-1\ndestination:/topic/raw\nreceipt:r1\n\n\0");
			assertThat(stomp.read().header("receipt-id")).isEqualTo("r1");
			stomp.send("SEND\ndestination:/topic/raw\ncontent-type:application/json\nreceipt:r2\n\n{\"a\":1}\0");
			RawStomp.Parsed first = stomp.read();
			RawStomp.Parsed second = stomp.read();
			RawStomp.Parsed message = first.command().equals("MESSAGE") ? first : second;
			assertThat(message.header("subscription")).isEqualTo("sub-1");
			assertThat(message.header("destination")).isEqualTo("/topic/raw");
			assertThat(message.header("message-id")).isNotBlank();
			assertThat(message.header("content-type")).isEqualTo("application/json");
			assertThat(message.header("content-length")).isEqualTo("7");
			assertThat(message.body()).isEqualTo("{\"a\":1}");
			assertThat((first == message ? second : first).header("receipt-id")).isEqualTo("r2");
		}
	}

	@Test
	void severalFramesInOneMessageAndOneFrameOverSeveralAreEachRead() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:1\ndestination:/topic/split\n\n\0\nSEND\ndestination:/topic/split\n\none\0");
			assertThat(stomp.read().body()).isEqualTo("one");
			stomp.send("SEND\ndestina");
			stomp.send("tion:/topic/split\n\ntw");
			stomp.send("o\0");
			assertThat(stomp.read().body()).isEqualTo("two");
		}
	}

	@Test
	void aLargeBodyIsDeliveredWholeToEverySubscription() {
		byte[] big = new byte[3000];
		Arrays.fill(big, (byte) 'x');
		String body = new String(big, StandardCharsets.US_ASCII);
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:a\ndestination:/topic/big\n\n\0");
			stomp.send("SUBSCRIBE\nid:b\ndestination:/topic/big\nreceipt:r\n\n\0");
			assertThat(stomp.read().command()).isEqualTo("RECEIPT");
			this.server.publish("/topic/big", body);
			RawStomp.Parsed one = stomp.read();
			RawStomp.Parsed two = stomp.read();
			assertThat(one.header("subscription")).isEqualTo("a");
			assertThat(two.header("subscription")).isEqualTo("b");
			assertThat(one.body()).isEqualTo(body);
			assertThat(two.body()).isEqualTo(body);
			assertThat(one.header("content-type")).isEqualTo("text/plain;charset=UTF-8");
		}
	}

	@Test
	void aTransactionHoldsItsSendsUntilCommitAndDropsThemOnAbort() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:1\ndestination:/topic/tx\n\n\0");
			stomp.send("BEGIN\ntransaction:t1\n\n\0");
			stomp.send("SEND\ndestination:/topic/tx\ntransaction:t1\nreceipt:held\n\nfirst\0");
			assertThat(stomp.read().header("receipt-id")).as("nothing before the receipt").isEqualTo("held");
			stomp.send("COMMIT\ntransaction:t1\n\n\0");
			assertThat(stomp.read().body()).isEqualTo("first");
			stomp.send("BEGIN\ntransaction:t2\n\n\0");
			stomp.send("SEND\ndestination:/topic/tx\ntransaction:t2\n\naborted\0");
			stomp.send("ABORT\ntransaction:t2\n\n\0");
			stomp.send("SEND\ndestination:/topic/tx\n\nafter\0");
			assertThat(stomp.read().body()).isEqualTo("after");
			stomp.send("COMMIT\ntransaction:t2\n\n\0");
			assertThat(stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR).header("message"))
				.isEqualTo("no transaction 't2'");
		}
	}

	@Test
	void unsubscribeEndsDeliveryAndAckIsAccepted() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:1\ndestination:/topic/un\nack:client-individual\n\n\0");
			stomp.send("SEND\ndestination:/topic/un\n\nx\0");
			RawStomp.Parsed message = stomp.read();
			assertThat(message.header("ack")).isEqualTo(message.header("message-id"));
			stomp.send("ACK\nid:" + message.header("ack") + "\nreceipt:acked\n\n\0");
			assertThat(stomp.read().header("receipt-id")).isEqualTo("acked");
			stomp.send("UNSUBSCRIBE\nid:1\n\n\0");
			stomp.send("SEND\ndestination:/topic/un\nreceipt:sent\n\ny\0");
			assertThat(stomp.read().header("receipt-id")).as("no MESSAGE after UNSUBSCRIBE").isEqualTo("sent");
			assertThat(this.server.subscriberCount("/topic/un")).isZero();
		}
	}

	@Test
	void disconnectIsAnsweredWithItsReceiptThenANormalClose() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("DISCONNECT\nreceipt:bye\n\n\0");
			assertThat(stomp.read().header("receipt-id")).isEqualTo("bye");
			assertThat(stomp.socket.awaitClose(RawStomp.TIMEOUT).closeCode()).isEqualTo(CloseCodes.NORMAL);
		}
	}

	@Test
	void theServerSendsEndOfLineHeartbeats() {
		try (RawStomp stomp = RawStomp.open(uri("/stomp"), "v12.stomp")) {
			stomp.send("CONNECT\naccept-version:1.2\nheart-beat:0,50\n\n\0");
			assertThat(stomp.read().header("heart-beat")).isEqualTo("100,100");
			for (int i = 0; i < 3; i++) {
				Frame beat = stomp.socket.readFrame(RawStomp.TIMEOUT);
				assertThat(beat.text()).isEqualTo("\n");
			}
		}
	}

	@Test
	void aClientSilentPastItsPromisedHeartbeatIsClosed() {
		try (RawStomp silent = RawStomp.open(uri("/stomp"), "v12.stomp");
				RawStomp beating = RawStomp.open(uri("/stomp"), "v12.stomp")) {
			silent.send("CONNECT\naccept-version:1.2\nheart-beat:50,0\n\n\0");
			// 3 x max(200, 100): closed past 600ms of silence, so a beat every 50ms
			// leaves room for a stalled test thread.
			beating.send("CONNECT\naccept-version:1.2\nheart-beat:200,0\n\n\0\n");
			assertThat(beating.read().command()).isEqualTo("CONNECTED");
			assertThat(silent.read().command()).isEqualTo("CONNECTED");
			long deadline = System.nanoTime() + 1_500_000_000L;
			// The other keeps its promise for 1.5s, past three of its agreed intervals.
			while (System.nanoTime() < deadline) {
				beating.send("\n");
				org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(50)).until(() -> true);
			}
			Frame close = silent.socket.awaitClose(RawStomp.TIMEOUT);
			assertThat(close.closeCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
			assertThat(close.closeReason()).isEqualTo("No heart-beat from the client");
			beating.send("SUBSCRIBE\nid:1\ndestination:/topic/alive\nreceipt:r\n\n\0");
			assertThat(beating.read().header("receipt-id")).isEqualTo("r");
		}
	}

	@Test
	void malformedFramesGetAnErrorNamingTheProblemThenAClose() {
		assertError("FOO\n\n\0", "unknown command 'FOO'");
		assertError("SEND\n\nx\0", "SEND frame has no destination header");
		assertError("SUBSCRIBE\ndestination:/topic/a\n\n\0", "SUBSCRIBE frame has no id header");
		assertError("SEND\ndestination:/topic/a\nx:a\\qb\n\n\0", "undefined escape sequence \\q in header 'x'");
		assertError("SEND\ndestination:/topic/a\ncontent-length:2\n\nabc\0",
				"no NUL after the 2 bytes of content-length");
		assertError("SUBSCRIBE\nid:1\ndestination:/elsewhere\n\n\0",
				"destination '/elsewhere' is under none of the broker prefixes [/topic, /queue], the user prefix"
						+ " /user or the application prefixes [/app]");
		assertError("SUBSCRIBE\nid:1\ndestination:/topic/a\nack:sometimes\n\n\0",
				"ack mode 'sometimes' is not auto, client or client-individual");
		assertError("SUBSCRIBE\nid:1\ndestination:/topic/a\nws-pubsub-since:nope\n\n\0",
				"ws-pubsub-since 'nope' is not <epoch>:<offset>");
		assertError("SUBSCRIBE\nid:1\ndestination:/topic/a\nws-pubsub-since:e:1\n\n\0",
				"cannot resume '/topic/a': it keeps no history (see ws-pubsub.history.topics)");
		assertError("BEGIN\n\n\0", "BEGIN frame has no transaction header");
		assertError("CONNECT\naccept-version:1.2\n\n\0", "already connected");
	}

	@Test
	void anErrorCarriesTheReceiptIdOfTheFrameThatCausedIt() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SEND\nreceipt:77\n\nx\0");
			assertThat(stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR).header("receipt-id")).isEqualTo("77");
		}
	}

	@Test
	void aFrameOverTheSizeLimitIsAnErrorEvenWhenSplit() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			char[] chunk = new char[3000];
			Arrays.fill(chunk, 'x');
			stomp.send("SEND\ndestination:/topic/a\n\n" + new String(chunk));
			stomp.send(new String(chunk));
			assertThat(stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR).header("message"))
				.isEqualTo("frame larger than 4096 bytes");
		}
	}

	@Test
	void tooManySubscriptionsIsAnError() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			for (int i = 0; i < 3; i++) {
				stomp.send("SUBSCRIBE\nid:" + i + "\ndestination:/topic/many" + i + "\n\n\0");
			}
			stomp.send("SUBSCRIBE\nid:3\ndestination:/topic/many3\n\n\0");
			assertThat(stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR).header("message"))
				.isEqualTo("more than 3 subscriptions on one connection");
		}
	}

	@Test
	void topicRulesDecideSubscribeAndSend() {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:1\ndestination:/topic/readonly\nreceipt:r\n\n\0");
			assertThat(stomp.read().header("receipt-id")).isEqualTo("r");
			stomp.send("SEND\ndestination:/topic/readonly\n\nno\0");
			assertThat(stomp.readErrorAndClose(CloseCodes.POLICY_VIOLATION).header("message"))
				.isEqualTo("not allowed on destination '/topic/readonly'");
		}
	}

	@Test
	void aBadClientDoesNotDisturbAnother() {
		try (RawStomp good = RawStomp.connected(uri("/stomp")); RawStomp bad = RawStomp.connected(uri("/stomp"))) {
			good.send("SUBSCRIBE\nid:1\ndestination:/topic/calm\nreceipt:r\n\n\0");
			assertThat(good.read().command()).isEqualTo("RECEIPT");
			bad.send("SEND\ndestination:/topic/calm\n\nbefore\0GARBAGE\n\n\0");
			bad.readErrorAndClose(CloseCodes.PROTOCOL_ERROR);
			assertThat(good.read().body()).isEqualTo("before");
			this.server.publish("/topic/calm", "still here");
			assertThat(good.read().body()).isEqualTo("still here");
		}
	}

	@Test
	void brokerDestinationsAreTheTopicsOfWsPubSubEndpoints() throws Exception {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"));
				WsTestClient ws = WsTestClient.builder(uri("/ws")).defaultTimeout(RawStomp.TIMEOUT).connect()) {
			assertThat(ws.sendAndAwait("sub /topic/shared")).isEqualTo("subscribed /topic/shared");
			stomp.send("SUBSCRIBE\nid:s\ndestination:/topic/shared\nreceipt:r\n\n\0");
			assertThat(stomp.read().command()).isEqualTo("RECEIPT");
			stomp.send("SEND\ndestination:/topic/shared\n\nfrom stomp\0");
			assertThat(ws.awaitMessage()).isEqualTo("from stomp");
			assertThat(stomp.read().body()).isEqualTo("from stomp");
			ws.send("pub /topic/shared from ws");
			assertThat(stomp.read().body()).isEqualTo("from ws");
			this.server.publish("/topic/shared", Map.of("from", "server"));
			RawStomp.Parsed json = stomp.read();
			assertThat(json.body()).isEqualTo("{\"from\":\"server\"}");
			assertThat(json.header("content-type")).isEqualTo("application/json");
		}
	}

	@Test
	void topicMethodsPublishToAndHearStompClients() throws InterruptedException {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:t\ndestination:/topic/ticks\n\n\0");
			assertThat(stomp.read().body()).startsWith("tick ");
			stomp.send("SEND\ndestination:/topic/audit\n\nlogged in\0");
			assertThat(this.topicMethods.heard.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("logged in");
		}
	}

	@Test
	void aSubscribeResumesAHistoryTopicFromAPosition() {
		this.server.publishForPosition("/topic/history/a", "m1").block(RawStomp.TIMEOUT);
		String after = this.server.publishForPosition("/topic/history/a", "m2").block(RawStomp.TIMEOUT).toString();
		this.server.publishForPosition("/topic/history/a", "m3").block(RawStomp.TIMEOUT);
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send("SUBSCRIBE\nid:h\ndestination:/topic/history/a\nws-pubsub-since:" + after
					+ "\nreceipt:resumed\n\n\0");
			RawStomp.Parsed receipt = stomp.read();
			assertThat(receipt.header("receipt-id")).isEqualTo("resumed");
			assertThat(receipt.header("ws-pubsub-recovered")).isEqualTo("true");
			RawStomp.Parsed missed = stomp.read();
			assertThat(missed.body()).isEqualTo("m3");
			assertThat(missed.header("ws-pubsub-position")).isEqualTo(receipt.header("ws-pubsub-position"));
			this.server.publish("/topic/history/a", "m4");
			RawStomp.Parsed live = stomp.read();
			assertThat(live.body()).isEqualTo("m4");
			assertThat(live.header("ws-pubsub-position")).endsWith(":4");
		}
	}

	private void assertError(String frame, String problem) {
		try (RawStomp stomp = RawStomp.connected(uri("/stomp"))) {
			stomp.send(frame);
			RawStomp.Parsed error = stomp.readErrorAndClose(CloseCodes.PROTOCOL_ERROR);
			assertThat(error.header("message")).isEqualTo(problem);
			assertThat(error.body()).isEqualTo(problem);
		}
	}

}
