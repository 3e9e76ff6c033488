package dev.wspubsub.it;

import java.time.Duration;

import dev.wspubsub.annotation.Topic;
import dev.wspubsub.it.Messages.Audit;
import dev.wspubsub.it.Messages.Tick;
import reactor.core.publisher.Flux;

import org.springframework.stereotype.Component;

/** A {@code @Topic} publisher and a {@code @Topic} listener. */
@Component
class TopicMethods {

	private final Events events;

	TopicMethods(Events events) {
		this.events = events;
	}

	@Topic("ticks")
	Flux<Tick> ticks() {
		return Flux.interval(Duration.ofMillis(100)).map((n) -> new Tick("tick", n));
	}

	@Topic("audit")
	void audit(Audit audit) {
		this.events.audits.add(audit);
	}

}
