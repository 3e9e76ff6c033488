package dev.wspubsub.stomp;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.Topic;
import dev.wspubsub.annotation.WsEndpoint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.server.WebFilter;

/**
 * A STOMP application as a Spring user writes it, on {@code /stomp}: the greeting
 * controller, destination variables and headers, validation with an exception handler,
 * user destinations, {@code @SubscribeMapping}, {@code Mono} and {@code Flux} returns;
 * plus a ws-pubsub endpoint on {@code /ws} sharing the topics. A test principal comes
 * from {@code ?user=} (a stand-in for the bearer token, so these tests need no Spring
 * Security).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ StompApplication.Greetings.class, StompApplication.Failing.class, StompApplication.Advice.class,
		StompApplication.Bridge.class, StompApplication.TopicMethods.class })
class StompApplication {

	@Bean
	WebFilter testPrincipal() {
		return (exchange, chain) -> {
			String user = exchange.getRequest().getQueryParams().getFirst("user");
			if (user == null) {
				return chain.filter(exchange);
			}
			Principal principal = () -> user;
			return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
		};
	}

	record HelloMessage(@NotBlank String name) {
	}

	record Greeting(String content) {
	}

	@Controller
	static class Greetings {

		@MessageMapping("/hello")
		@SendTo("/topic/greetings")
		Greeting greeting(HelloMessage message) {
			return new Greeting("Hello, " + message.name() + "!");
		}

		/** No @SendTo: Spring's default, /topic plus the mapped destination. */
		@MessageMapping("/rooms/{room}")
		String room(@DestinationVariable String room, @Payload String text, @Header("x-mood") String mood,
				@Headers java.util.Map<String, Object> headers) {
			return room + ":" + text + ":" + mood + ":" + headers.containsKey("simpSessionId");
		}

		@MessageMapping("/whoami")
		@SendToUser("/queue/whoami")
		String whoami(Principal principal) {
			return principal.getName();
		}

		@MessageMapping("/strict")
		@SendTo("/topic/strict")
		Greeting strict(@Valid @Payload HelloMessage message) {
			return new Greeting(message.name());
		}

		@MessageExceptionHandler
		@SendToUser("/queue/errors")
		String failed(Exception ex) {
			return "failed: " + ex.getClass().getSimpleName();
		}

		@SubscribeMapping("/snapshot")
		List<String> snapshot() {
			return List.of("a", "b");
		}

		@MessageMapping("/later")
		@SendTo("/topic/later")
		Mono<String> later(String text) {
			return Mono.delay(Duration.ofMillis(20)).thenReturn("later " + text);
		}

		@MessageMapping("/count")
		@SendTo("/topic/count")
		Flux<Integer> count(String upTo) {
			return Flux.range(1, Integer.parseInt(upTo));
		}

	}

	/** A controller without an exception handler of its own. */
	@Controller
	static class Failing {

		@MessageMapping("/fail")
		String fail(String text) {
			throw new IllegalStateException("refused " + text);
		}

	}

	/** Handles what {@link Failing} throws, for every controller. */
	@ControllerAdvice
	static class Advice {

		@MessageExceptionHandler
		@SendToUser("/queue/errors")
		String refused(IllegalStateException ex) {
			return "advice: " + ex.getMessage();
		}

	}

	/** {@code @Topic} methods on broker destinations: a publisher and a listener. */
	static class TopicMethods {

		final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

		@Topic("/topic/ticks")
		Flux<String> ticks() {
			return Flux.interval(Duration.ofMillis(100)).map((n) -> "tick " + n);
		}

		@Topic("/topic/audit")
		void audit(String entry) {
			this.heard.add(entry);
		}

	}

	/**
	 * A ws-pubsub endpoint on the same topics: {@code sub <topic>} subscribes,
	 * {@code pub <topic> <text>} publishes.
	 */
	@WsEndpoint("/ws")
	static class Bridge {

		@OnMessage
		String command(WsSession<?> ws, String text) {
			String[] parts = text.split(" ", 3);
			if (parts[0].equals("sub")) {
				ws.subscribe(parts[1]);
				return "subscribed " + parts[1];
			}
			ws.publish(parts[1], parts[2]);
			return "published";
		}

	}

}
