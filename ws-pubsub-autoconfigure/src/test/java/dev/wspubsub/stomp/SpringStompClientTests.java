package dev.wspubsub.stomp;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring's own STOMP client ({@link WebSocketStompClient} over the JSR-356 client of
 * Tomcat) against an application written for Spring's STOMP support, served by ws-pubsub
 * on WebFlux.
 */
@SpringBootTest(classes = StompApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.stomp.endpoints=/stomp", "ws-pubsub.stomp.heartbeat-send=100ms",
				"ws-pubsub.stomp.heartbeat-receive=100ms" })
@Import(SpringStompClientTests.RecordedHandlerCalls.class)
class SpringStompClientTests {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	static ThreadPoolTaskScheduler scheduler;

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	SimpMessagingTemplate template;

	@Autowired
	Queue<String> handlerCalls;

	private final List<StompSession> sessions = new java.util.ArrayList<>();

	@BeforeAll
	static void startScheduler() {
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(2);
		scheduler.setThreadNamePrefix("stomp-client-");
		scheduler.initialize();
	}

	@AfterAll
	static void stopScheduler() {
		scheduler.shutdown();
	}

	@AfterEach
	void disconnect() {
		this.sessions.forEach((session) -> {
			if (session.isConnected()) {
				session.disconnect();
			}
		});
	}

	@Test
	void theGreetingAppAnswersOnTheTopic() throws Exception {
		StompSession session = connect("");
		Inbox<StompApplication.Greeting> greetings = subscribe(session, "/topic/greetings",
				StompApplication.Greeting.class);
		session.send("/app/hello", new StompApplication.HelloMessage("Ada"));
		assertThat(greetings.next()).isEqualTo(new StompApplication.Greeting("Hello, Ada!"));
	}

	@Test
	void receiptsConfirmSubscribeAndSend() throws Exception {
		StompSession session = connect("");
		session.setAutoReceipt(true);
		CompletableFuture<Void> subscribed = new CompletableFuture<>();
		Inbox<String> inbox = new Inbox<>(String.class);
		session.subscribe("/topic/receipts", inbox).addReceiptTask(() -> subscribed.complete(null));
		subscribed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		CompletableFuture<Void> sent = new CompletableFuture<>();
		session.send("/topic/receipts", "hi").addReceiptTask(() -> sent.complete(null));
		sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(inbox.next()).isEqualTo("hi");
	}

	@Test
	void destinationVariablesHeadersAndTheDefaultDestination() throws Exception {
		StompSession session = connect("");
		Inbox<String> room = subscribe(session, "/topic/rooms/blue", String.class);
		StompHeaders headers = new StompHeaders();
		headers.setDestination("/app/rooms/blue");
		headers.set("x-mood", "calm");
		session.send(headers, "hello");
		assertThat(room.next()).isEqualTo("blue:hello:calm:true");
	}

	@Test
	void sendToUserReachesEveryConnectionOfThatUserAndNoOneElse() throws Exception {
		StompSession alice1 = connect("?user=alice");
		StompSession alice2 = connect("?user=alice");
		StompSession bob = connect("?user=bob");
		Inbox<String> toAlice1 = subscribe(alice1, "/user/queue/whoami", String.class);
		Inbox<String> toAlice2 = subscribe(alice2, "/user/queue/whoami", String.class);
		Inbox<String> toBob = subscribe(bob, "/user/queue/whoami", String.class);
		alice1.send("/app/whoami", "");
		assertThat(toAlice1.next()).isEqualTo("alice");
		assertThat(toAlice2.next()).isEqualTo("alice");
		this.template.convertAndSendToUser("bob", "/queue/whoami", "for bob");
		assertThat(toBob.next()).as("bob's first message is his own").isEqualTo("for bob");
		this.template.convertAndSendToUser("alice", "/queue/whoami", "for alice");
		assertThat(toAlice2.next()).isEqualTo("for alice");
	}

	@Test
	void anAnonymousUserGetsItsOwnSessionsAnswers() throws Exception {
		StompSession one = connect("");
		StompSession two = connect("");
		Inbox<String> errorsOne = subscribe(one, "/user/queue/errors", String.class);
		Inbox<String> errorsTwo = subscribe(two, "/user/queue/errors", String.class);
		one.send("/app/strict", new StompApplication.HelloMessage(""));
		assertThat(errorsOne.next()).isEqualTo("failed: MethodArgumentNotValidException");
		two.send("/app/strict", java.util.Map.of());
		assertThat(errorsTwo.next()).as("two's first error is its own")
			.isEqualTo("failed: MethodArgumentNotValidException");
		assertThat(errorsOne.poll()).isNull();
	}

	@Test
	void aControllerAdviceHandlesWhatAControllerThrows() throws Exception {
		StompSession session = connect("");
		Inbox<String> errors = subscribe(session, "/user/queue/errors", String.class);
		session.send("/app/fail", "this");
		assertThat(errors.next()).isEqualTo("advice: refused this");
	}

	@Test
	void subscribeMappingAnswersTheSubscriberDirectly() throws Exception {
		StompSession session = connect("");
		Inbox<List<String>> snapshot = new Inbox<>(new ParameterizedTypeReference<List<String>>() {
		}.getType());
		session.subscribe("/app/snapshot", snapshot);
		assertThat(snapshot.next()).containsExactly("a", "b");
	}

	@Test
	void controllerCallsAreObservedAsEndpointHandlerCallsAre() throws Exception {
		this.handlerCalls.clear();
		StompSession session = connect("");
		Inbox<StompApplication.Greeting> greetings = subscribe(session, "/topic/greetings",
				StompApplication.Greeting.class);
		session.send("/app/hello", new StompApplication.HelloMessage("Ada"));
		greetings.next();
		Inbox<List<String>> snapshot = new Inbox<>(new ParameterizedTypeReference<List<String>>() {
		}.getType());
		session.subscribe("/app/snapshot", snapshot);
		snapshot.next();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.handlerCalls).contains("stomp-send started", "stomp-send ended",
					"stomp-subscribe started", "stomp-subscribe ended"));
	}

	@Test
	void monoAndFluxReturnValuesAreSent() throws Exception {
		StompSession session = connect("");
		Inbox<String> later = subscribe(session, "/topic/later", String.class);
		Inbox<Integer> count = subscribe(session, "/topic/count", Integer.class);
		session.send("/app/later", "on");
		session.send("/app/count", "3");
		assertThat(later.next()).isEqualTo("later on");
		assertThat(List.of(count.next(), count.next(), count.next())).containsExactly(1, 2, 3);
	}

	@Test
	void theTemplateAndServerPublishReachStompSubscribers() throws Exception {
		StompSession session = connect("");
		Inbox<StompApplication.Greeting> greetings = subscribe(session, "/topic/greetings",
				StompApplication.Greeting.class);
		this.template.convertAndSend("/topic/greetings", new StompApplication.Greeting("from the template"));
		assertThat(greetings.next().content()).isEqualTo("from the template");
		this.server.publish("/topic/greetings", new StompApplication.Greeting("from server.publish"));
		assertThat(greetings.next().content()).isEqualTo("from server.publish");
	}

	@Test
	void heartbeatsKeepAQuietSessionConnected() throws Exception {
		CompletableFuture<StompHeaders> connected = new CompletableFuture<>();
		StompSession session = connect("", new long[] { 200, 200 }, connected);
		assertThat(connected.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getHeartbeat()).containsExactly(100, 100);
		// Spring's client drops a session that reads nothing for three intervals, and
		// ours closes one that sends nothing for three: both beat, so it stays.
		await().during(Duration.ofMillis(1500)).atMost(TIMEOUT).until(session::isConnected);
		Inbox<String> inbox = subscribe(session, "/topic/quiet", String.class);
		session.send("/topic/quiet", "still here");
		assertThat(inbox.next()).isEqualTo("still here");
	}

	private StompSession connect(String query) throws Exception {
		return connect(query, new long[] { 0, 0 }, new CompletableFuture<>());
	}

	private StompSession connect(String query, long[] heartbeat, CompletableFuture<StompHeaders> connectedHeaders)
			throws Exception {
		WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
		client.setMessageConverter(new CompositeMessageConverter(
				List.of(new StringMessageConverter(), new JacksonJsonMessageConverter())));
		client.setTaskScheduler(scheduler);
		client.setDefaultHeartbeat(heartbeat);
		StompSession session = client
			.connectAsync("ws://localhost:" + this.port + "/stomp" + query, new StompSessionHandlerAdapter() {

				@Override
				public void afterConnected(StompSession session, StompHeaders headers) {
					connectedHeaders.complete(headers);
				}

			})
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		this.sessions.add(session);
		return session;
	}

	/** Subscribes with a receipt, so the subscription is in place when this returns. */
	private <T> Inbox<T> subscribe(StompSession session, String destination, Class<T> type) throws Exception {
		Inbox<T> inbox = new Inbox<>(type);
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setReceipt("sub-" + destination + "-" + System.nanoTime());
		CompletableFuture<Void> receipt = new CompletableFuture<>();
		session.subscribe(headers, inbox).addReceiptTask(() -> receipt.complete(null));
		receipt.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		return inbox;
	}

	/** What one subscription received, as {@code T}. */
	static final class Inbox<T> implements StompFrameHandler {

		private final Type type;

		private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		Inbox(Type type) {
			this.type = type;
		}

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return this.type;
		}

		@Override
		public void handleFrame(StompHeaders headers, Object payload) {
			this.received.add(payload);
		}

		@SuppressWarnings("unchecked")
		T next() throws InterruptedException {
			Object next = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(next).as("a message within " + TIMEOUT).isNotNull();
			return (T) next;
		}

		@SuppressWarnings("unchecked")
		T poll() {
			return (T) this.received.poll();
		}

	}

	/** What the metrics listener is told of handler calls. */
	@TestConfiguration(proxyBeanMethods = false)
	static class RecordedHandlerCalls {

		@Bean
		Queue<String> handlerCalls() {
			return new ConcurrentLinkedQueue<>();
		}

		@Bean
		WsMetricsListener handlerCallRecorder(Queue<String> handlerCalls) {
			return new WsMetricsListener() {

				@Override
				public HandlerCall handlerStarted(WsSession<?> session, String messageType) {
					handlerCalls.add(messageType + " started");
					return new HandlerCall() {

						@Override
						public void end() {
							handlerCalls.add(messageType + " ended");
						}

					};
				}

			};
		}

	}

}
