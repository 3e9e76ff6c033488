package dev.wspubsub.internal.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveredIdsTests {

	private final DeliveredIds delivered = new DeliveredIds(4);

	@Test
	void aPublicationIsDeliveredOnceHoweverOftenItArrives() {
		assertThat(this.delivered.firstDelivery(1, 0, 10)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 10)).isFalse();
		assertThat(this.delivered.firstDelivery(1, 0, 11)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 10)).isFalse();
		assertThat(this.delivered.firstDelivery(1, 0, 11)).isFalse();
	}

	@Test
	void publicationsArrivingOutOfOrderWithinTheWindowAreEachDeliveredOnce() {
		assertThat(this.delivered.firstDelivery(1, 0, 100)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 90)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 95)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 90)).isFalse();
		assertThat(this.delivered.firstDelivery(1, 0, 99)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 100 - DeliveredIds.WINDOW + 1)).isTrue();
	}

	@Test
	void aGapInTheIdsForgetsOnlyWhatFellOutOfTheWindow() {
		assertThat(this.delivered.firstDelivery(1, 0, 5)).isTrue();
		long later = 5 + DeliveredIds.WINDOW - 1;
		assertThat(this.delivered.firstDelivery(1, 0, later)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 5)).as("still in the window").isFalse();
		assertThat(this.delivered.firstDelivery(1, 0, later + 1)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, 5)).as("fell out: taken as delivered").isFalse();
		// The ring positions the jump took over are free for their new ids.
		for (long id = later + 2 - DeliveredIds.WINDOW + 1; id < later + 1; id += 97) {
			assertThat(this.delivered.firstDelivery(1, 0, id)).as("id %d", id).isEqualTo(id != later);
		}
		long far = later + 10 * DeliveredIds.WINDOW;
		assertThat(this.delivered.firstDelivery(1, 0, far)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, far - 1)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 0, far - 64)).isTrue();
	}

	@Test
	void sendersAreToldApartByIncarnation() {
		assertThat(this.delivered.firstDelivery(1, 0, 1)).isTrue();
		assertThat(this.delivered.firstDelivery(2, 0, 1)).as("a restarted node numbers from 1 again").isTrue();
	}

	@Test
	void theSenderHeardFromLongestAgoIsForgottenPastTheBound() {
		for (long sender = 1; sender <= 4; sender++) {
			this.delivered.firstDelivery(sender, 0, 1);
		}
		this.delivered.firstDelivery(2, 0, 2);
		this.delivered.firstDelivery(3, 0, 2);
		this.delivered.firstDelivery(4, 0, 2);
		this.delivered.firstDelivery(5, 0, 1);
		assertThat(this.delivered.senders()).isEqualTo(4);
		assertThat(this.delivered.firstDelivery(4, 0, 2)).as("kept").isFalse();
		assertThat(this.delivered.firstDelivery(1, 0, 1)).as("forgotten").isTrue();
	}

	@Test
	void aMasterRunningFarBehindAnotherLosesNothing() {
		// One sender's publications on two masters, even ids through one and odd through
		// the other; the second's whole stream arrives after the first's.
		int ids = 4 * DeliveredIds.WINDOW;
		for (long id = 2; id <= ids; id += 2) {
			assertThat(this.delivered.firstDelivery(1, 101, id)).as("id %d from the first master", id).isTrue();
		}
		for (long id = 1; id <= ids; id += 2) {
			assertThat(this.delivered.firstDelivery(1, 202, id)).as("id %d from the second master", id).isTrue();
		}
		assertThat(this.delivered.firstDelivery(1, 202, ids - 1)).as("a resend from the second master").isFalse();
	}

}
