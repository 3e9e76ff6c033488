package dev.wspubsub.testapp;

import java.time.Duration;

import dev.wspubsub.annotation.Topic;
import dev.wspubsub.testapp.Messages.Audit;
import dev.wspubsub.testapp.Messages.Tick;
import reactor.core.publisher.Flux;

import org.springframework.stereotype.Component;

/** A {@code @Topic} publisher and a {@code @Topic} listener. */
@Component
public class TopicMethods {

	private final Events events;

	public TopicMethods(Events events) {
		this.events = events;
	}

	@Topic("ticks")
	public Flux<Tick> ticks() {
		return Flux.interval(Duration.ofMillis(100)).map((n) -> new Tick("tick", n));
	}

	@Topic("audit")
	public void audit(Audit audit) {
		this.events.audits.add(audit);
	}

}
