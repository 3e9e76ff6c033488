package dev.wspubsub.internal.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveredIdsTests {

	private final DeliveredIds delivered = new DeliveredIds(4);

	@Test
	void aPublicationIsDeliveredOnceHoweverOftenItArrives() {
		assertThat(this.delivered.firstDelivery(1, 10)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 10)).isFalse();
		assertThat(this.delivered.firstDelivery(1, 11)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 10)).isFalse();
		assertThat(this.delivered.firstDelivery(1, 11)).isFalse();
	}

	@Test
	void publicationsArrivingOutOfOrderWithinTheWindowAreEachDeliveredOnce() {
		assertThat(this.delivered.firstDelivery(1, 100)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 90)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 95)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 90)).isFalse();
		assertThat(this.delivered.firstDelivery(1, 99)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 100 - DeliveredIds.WINDOW + 1)).isTrue();
	}

	@Test
	void aGapInTheIdsForgetsOnlyWhatFellOutOfTheWindow() {
		assertThat(this.delivered.firstDelivery(1, 5)).isTrue();
		long later = 5 + DeliveredIds.WINDOW - 1;
		assertThat(this.delivered.firstDelivery(1, later)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 5)).as("still in the window").isFalse();
		assertThat(this.delivered.firstDelivery(1, later + 1)).isTrue();
		assertThat(this.delivered.firstDelivery(1, 5)).as("fell out: taken as delivered").isFalse();
		// The ring positions the jump took over are free for their new ids.
		for (long id = later + 2 - DeliveredIds.WINDOW + 1; id < later + 1; id += 97) {
			assertThat(this.delivered.firstDelivery(1, id)).as("id %d", id).isEqualTo(id != later);
		}
		long far = later + 10 * DeliveredIds.WINDOW;
		assertThat(this.delivered.firstDelivery(1, far)).isTrue();
		assertThat(this.delivered.firstDelivery(1, far - 1)).isTrue();
		assertThat(this.delivered.firstDelivery(1, far - 64)).isTrue();
	}

	@Test
	void sendersAreToldApartByIncarnation() {
		assertThat(this.delivered.firstDelivery(1, 1)).isTrue();
		assertThat(this.delivered.firstDelivery(2, 1)).as("a restarted node numbers from 1 again").isTrue();
	}

	@Test
	void theSenderHeardFromLongestAgoIsForgottenPastTheBound() {
		for (long sender = 1; sender <= 4; sender++) {
			this.delivered.firstDelivery(sender, 1);
		}
		this.delivered.firstDelivery(2, 2);
		this.delivered.firstDelivery(3, 2);
		this.delivered.firstDelivery(4, 2);
		this.delivered.firstDelivery(5, 1);
		assertThat(this.delivered.senders()).isEqualTo(4);
		assertThat(this.delivered.firstDelivery(4, 2)).as("kept").isFalse();
		assertThat(this.delivered.firstDelivery(1, 1)).as("forgotten").isTrue();
	}

}
