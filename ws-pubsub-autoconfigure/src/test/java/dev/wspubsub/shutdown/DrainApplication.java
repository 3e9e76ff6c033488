package dev.wspubsub.shutdown;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * An application whose clients only connect and echo, and which notes when it said it
 * refuses traffic.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(DrainApplication.EchoEndpoint.class)
class DrainApplication {

	@Bean
	ReadinessClock readinessClock() {
		return new ReadinessClock();
	}

	@WsEndpoint("/echo")
	static class EchoEndpoint {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	/** When readiness turned to REFUSING_TRAFFIC, in {@link System#nanoTime()}. */
	static final class ReadinessClock implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {

		final List<Long> refusingSince = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
			if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
				this.refusingSince.add(System.nanoTime());
			}
		}

	}

}
