package dev.wspubsub.autoconfigure;

import java.time.Duration;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's Lettuce resources are shut down with a quiet period, and the application waits
 * for it, so the event loops go round once more to close a channel a late reconnection
 * registered.
 */
class LettuceQuietShutdownTests {

	private final LettuceQuietShutdown quietShutdown = new LettuceQuietShutdown();

	@Test
	void bootsResourcesStopAfterAQuietPeriodBeforeTheirOwnShutdownRuns() {
		ClientResources resources = DefaultClientResources.create();
		assertThat(this.quietShutdown.requiresDestruction(resources)).isTrue();
		long start = System.nanoTime();
		this.quietShutdown.postProcessBeforeDestruction(resources, LettuceQuietShutdown.BOOT_CLIENT_RESOURCES);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(resources.eventExecutorGroup().isTerminated()).as("terminated when destruction goes on").isTrue();
		assertThat(took).as("the quiet period was kept").isGreaterThanOrEqualTo(LettuceQuietShutdown.QUIET_PERIOD);
	}

	@Test
	void resourcesOfTheApplicationsOwnAreLeftToIt() {
		ClientResources resources = DefaultClientResources.create();
		try {
			this.quietShutdown.postProcessBeforeDestruction(resources, "myClientResources");
			assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
		}
		finally {
			resources.shutdown();
		}
	}

}
