package dev.wspubsub.sample.stomp;

import java.lang.reflect.Type;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guide's own integration test, with Spring's {@link WebSocketStompClient}: it runs
 * unchanged against the WebFlux application.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GreetingStompClientTests {

	@LocalServerPort
	int port;

	@Test
	void getGreeting() throws Exception {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.initialize();
		WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
		client.setMessageConverter(new JacksonJsonMessageConverter());
		client.setTaskScheduler(scheduler);
		try {
			StompSession session = client
				.connectAsync("ws://localhost:" + this.port + "/gs-guide-websocket", new StompSessionHandlerAdapter() {
				})
				.get(10, TimeUnit.SECONDS);
			BlockingQueue<Greeting> greetings = new LinkedBlockingQueue<>();
			StompHeaders subscribe = new StompHeaders();
			subscribe.setDestination("/topic/greetings");
			subscribe.setReceipt("subscribed");
			CompletableFuture<Void> subscribed = new CompletableFuture<>();
			session.setAutoReceipt(false);
			session.subscribe(subscribe, new StompFrameHandler() {

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return Greeting.class;
				}

				@Override
				public void handleFrame(StompHeaders headers, Object payload) {
					greetings.add((Greeting) payload);
				}

			}).addReceiptTask(() -> subscribed.complete(null));
			subscribed.get(10, TimeUnit.SECONDS);
			session.send("/app/hello", new HelloMessage("Spring"));
			assertThat(greetings.poll(10, TimeUnit.SECONDS)).isEqualTo(new Greeting("Hello, Spring!"));
			session.disconnect();
		}
		finally {
			client.stop();
			scheduler.shutdown();
		}
	}

}
