package dev.wspubsub.sample.dashboard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SystemMetricsSourceTests {

	@Test
	void samplesTheMachineWithinPlausibleRanges() {
		SystemMetricsSource source = new SystemMetricsSource(new SimpleMeterRegistry());
		source.sample();
		Metrics metrics = source.sample();
		assertThat(metrics.cpu()).isBetween(0.0, 100.0);
		assertThat(metrics.memory()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
		assertThat(metrics.disk()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
		assertThat(metrics.network().in()).isGreaterThanOrEqualTo(0.0);
		assertThat(metrics.requests()).isZero();
		assertThat(metrics.timestamp()).isPositive();
	}

}
