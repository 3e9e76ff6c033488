package dev.wspubsub.gaps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.test.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node taking over a drained node's readers gets hundreds of resumes within a second,
 * each reading hundreds of publications from the topic's stream: every one is answered
 * within the default {@code command-timeout} (1 s), recovered, with every publication.
 * They share one Redis connection, whose replies one I/O thread decodes; the answer of a
 * read must not cost that thread a step per publication, or they queue behind each other
 * and most are answered "not recovered" (issue 26's rolling restart at 1,000 readers).
 */
class ManyResumesAtOnceTests {

	private static final int RESUMES = 200;

	private static final int PUBLICATIONS = 300;

	@Test
	void hundredsOfResumesOfHundredsOfPublicationsAreAllAnsweredWithinTheDefaultTimeout() throws Exception {
		try (TestRedis redis = TestRedis.start(); GapNode node = GapNode.start(redis)) {
			await().atMost(Duration.ofSeconds(30)).until(() -> node.fanout().isUp());
			WsServer server = node.bean(WsServer.class);
			List<StreamPosition> positions = new ArrayList<>();
			for (int n = 0; n < PUBLICATIONS; n++) {
				// Spaces and line breaks, as any payload may hold them.
				positions.add(server.publishForPosition("room:many", "{\"n\":" + n + ",\"text\":\"a b\\nc\"}")
					.block(Duration.ofSeconds(10)));
			}
			TopicHistory history = node.bean(TopicHistory.class);
			HistoryRule rule = history.rules().ruleFor("room:many");
			StreamPosition since = positions.get(0);

			List<CompletableFuture<Recovery>> reads = new ArrayList<>();
			for (int i = 0; i < RESUMES; i++) {
				reads.add(history.read("room:many", rule, since, 0));
			}
			CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

			long notRecovered = reads.stream().map(CompletableFuture::join).filter((r) -> !r.recovered()).count();
			assertThat(notRecovered).as("of %d reads, answered not recovered (timed out)", RESUMES).isZero();
			for (CompletableFuture<Recovery> read : reads) {
				List<Publication> publications = read.join().publications();
				assertThat(publications).extracting(Publication::position)
					.containsExactlyElementsOf(positions.subList(1, PUBLICATIONS));
				assertThat(publications.get(0).asText()).startsWith("{\"n\":1,\"text\":\"a b\\nc\"");
			}
		}
	}

}
