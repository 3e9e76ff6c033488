package dev.wspubsub.hostile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.wspubsub.hostile.HostileClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message begun in fragments must end within the idle timeout: a client that sends a
 * first fragment and then only pings (which keep the connection from being idle) is
 * closed with 1008 instead of having its half message held for ever.
 */
@SpringBootTest(classes = HostileApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UnfinishedFragmentTests {

	@LocalServerPort
	int port;

	@Test
	void aFragmentedMessageNotFinishedWithinTheIdleTimeoutClosesWith1008DespitePings() {
		ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
		try (RawWebSocket client = RawWebSocket.connect(HostileClients.uri(this.port, "/quick"))) {
			long started = System.nanoTime();
			client.sendFrame(false, 0, Frame.TEXT, "the beginning of ".getBytes(StandardCharsets.UTF_8), true);
			pinger.scheduleAtFixedRate(() -> client.sendFrame(true, 0, Frame.PING, new byte[0], true), 200, 200,
					TimeUnit.MILLISECONDS);
			Frame close = client.awaitClose(TIMEOUT);
			assertThat(close.closeCode()).isEqualTo(1008);
			assertThat(close.closeReason()).isEqualTo("Message not completed within the idle timeout");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		}
		finally {
			pinger.shutdownNow();
		}
	}

	@Test
	void aFragmentedMessageFinishedInTimeIsHandled() {
		try (RawWebSocket client = RawWebSocket.connect(HostileClients.uri(this.port, "/quick"))) {
			client.sendFrame(false, 0, Frame.TEXT, "in ".getBytes(StandardCharsets.UTF_8), true);
			client.sendFrame(true, 0, Frame.CONTINUATION, "time".getBytes(StandardCharsets.UTF_8), true);
			assertThat(client.readFrame(TIMEOUT).text()).isEqualTo("in time");
		}
	}

}
