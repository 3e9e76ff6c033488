package dev.wspubsub.internal.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.wspubsub.Publication;
import dev.wspubsub.StreamPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The publications a history read answers in one string, read back. */
class PackedPublicationsTests {

	@Test
	void everyPublicationComesBackWhateverBytesItsPayloadHolds() {
		byte[] binary = { 0, '\n', ' ', (byte) 0xff, '9' };
		ByteArrayOutputStream packed = new ByteArrayOutputStream();
		packed.writeBytes("7 1 10\n{\"a\":\"b\n\"}".getBytes(StandardCharsets.UTF_8));
		packed.writeBytes("8 0 5\n".getBytes(StandardCharsets.UTF_8));
		packed.writeBytes(binary);
		packed.writeBytes("9 1 0\n".getBytes(StandardCharsets.UTF_8));

		List<Publication> publications = PackedPublications.unpack("e1", packed.toByteArray());

		assertThat(publications).extracting(Publication::position)
			.containsExactly(new StreamPosition("e1", 7), new StreamPosition("e1", 8), new StreamPosition("e1", 9));
		assertThat(publications).extracting(Publication::text).containsExactly(true, false, true);
		assertThat(publications.get(0).asText()).isEqualTo("{\"a\":\"b\n\"}");
		assertThat(publications.get(1).payload()).containsExactly(binary);
		assertThat(publications.get(2).payload()).isEmpty();
	}

	@Test
	void nothingPackedIsNoPublication() {
		assertThat(PackedPublications.unpack("e1", new byte[0])).isEmpty();
	}

	@Test
	void anEntryCutShortIsRefusedSayingWhere() {
		byte[] cut = "7 1 9\n{\"a\"".getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> PackedPublications.unpack("e1", cut))
			.withMessage("Entry at offset 7 says 9 bytes; only 4 follow");
		byte[] noNumber = "x 1 1\na".getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> PackedPublications.unpack("e1", noNumber))
			.withMessageContaining("'x' at byte 0 where a digit belongs");
	}

}
