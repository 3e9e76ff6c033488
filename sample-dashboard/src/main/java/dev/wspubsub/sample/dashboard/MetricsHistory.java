package dev.wspubsub.sample.dashboard;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

/** The last 100 samples, for new clients and the history API. */
@Component
class MetricsHistory {

	static final int SIZE = 100;

	private final ArrayDeque<Metrics> samples = new ArrayDeque<>(SIZE);

	synchronized void add(Metrics metrics) {
		if (this.samples.size() == SIZE) {
			this.samples.removeFirst();
		}
		this.samples.addLast(metrics);
	}

	synchronized List<Metrics> all() {
		return List.copyOf(this.samples);
	}

	synchronized Optional<Metrics> latest() {
		return Optional.ofNullable(this.samples.peekLast());
	}
}
