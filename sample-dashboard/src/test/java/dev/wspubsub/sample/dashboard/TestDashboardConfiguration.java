package dev.wspubsub.sample.dashboard;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the machine's metrics with ones the test sets. */
@TestConfiguration(proxyBeanMethods = false)
class TestDashboardConfiguration {

	@Bean
	@Primary
	SettableMetrics settableMetrics() {
		return new SettableMetrics();
	}

}
