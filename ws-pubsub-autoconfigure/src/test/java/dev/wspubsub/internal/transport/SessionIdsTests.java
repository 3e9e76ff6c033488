package dev.wspubsub.internal.transport;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Session ids are 128 random bits: none repeats, and none tells the next. */
class SessionIdsTests {

	@Test
	void idsAreTwentyTwoUrlSafeCharactersAndNeverRepeat() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 100_000; i++) {
			String id = SessionIds.next();
			assertThat(id).matches("[A-Za-z0-9_-]{22}");
			assertThat(seen.add(id)).as("a repeated id").isTrue();
		}
	}

	@Test
	void aConnectionsIdIsOneOfThem() {
		try (EmbeddedConnection first = new EmbeddedConnection(1024, false);
				EmbeddedConnection second = new EmbeddedConnection(1024, false)) {
			assertThat(first.connection().id()).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(second.connection().id());
		}
	}

}
