package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EnvelopeTests {

	private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

	@Test
	void anotherNodesTextMessageArrivesAsTheSameTextWithItsFlags() {
		OutboundMessage sent = OutboundMessage.text(this.allocator, "héllo", true);
		ByteBuffer wire;
		try {
			wire = new Envelope("node-a").encode(sent);
		}
		finally {
			sent.release();
		}
		// Version, flags, id length, the id, the incarnation, the publish id, the time it
		// was sent, the payload.
		assertThat(wire.remaining())
			.isEqualTo(3 + "node-a".length() + 24 + "héllo".getBytes(StandardCharsets.UTF_8).length);
		OutboundMessage received = new Envelope("node-b").decode(wire, this.allocator);
		assertThat(received).isNotNull();
		try {
			assertThat(received.isText()).isTrue();
			assertThat(received.compress()).isTrue();
			assertThat(received.text()).isEqualTo("héllo");
		}
		finally {
			received.release();
		}
	}

	@Test
	void binaryBytesTravelUnchanged() {
		byte[] bytes = { 0, 1, (byte) 0xFF, 0x7F, (byte) 0x80 };
		OutboundMessage sent = OutboundMessage.bytes(this.allocator, bytes, false, false);
		ByteBuffer wire;
		try {
			wire = new Envelope("a").encode(sent);
		}
		finally {
			sent.release();
		}
		OutboundMessage received = new Envelope("b").decode(wire, this.allocator);
		try {
			assertThat(received.isText()).isFalse();
			assertThat(received.bytes()).isEqualTo(bytes);
		}
		finally {
			received.release();
		}
	}

	@Test
	void aNodesOwnMessageIsRecognisedAndSkipped() {
		OutboundMessage sent = OutboundMessage.text(this.allocator, "mine", false);
		try {
			ByteBuffer wire = new Envelope("node-a").encode(sent);
			assertThat(new Envelope("node-a").decode(wire, this.allocator)).isNull();
			assertThat(new Envelope("node-ab").decode(wire, this.allocator)).isNotNull()
				.satisfies(OutboundMessage::release);
		}
		finally {
			sent.release();
		}
	}

	@Test
	void theTimeAnotherNodeSentAMessageTravelsWithItAndIsNotReadFromOwnMessages() {
		OutboundMessage sent = OutboundMessage.text(this.allocator, "timed", false);
		try {
			long before = System.currentTimeMillis();
			ByteBuffer wire = new Envelope("node-a").encode(sent);
			long after = System.currentTimeMillis();
			assertThat(new Envelope("node-b").sentByOtherAt(wire)).isBetween(before, after);
			assertThat(new Envelope("node-a").sentByOtherAt(wire)).isEqualTo(-1);
			ByteBuffer positioned = ByteBuffer.wrap(new Envelope("node-a").positionedHead(true, false, false, 42));
			assertThat(new Envelope("node-b").sentByOtherAt(positioned)).isBetween(before, System.currentTimeMillis());
		}
		finally {
			sent.release();
		}
	}

	/**
	 * A publishing thread paused between encoding and queueing (a loaded machine) must
	 * not come out of it with an id thousands behind the others: the receiver would take
	 * the publication for a resend it delivered already and drop it.
	 */
	@Test
	void publishIdsFollowTheOrderPublishesAreDispatchedNotTheOrderTheyWereEncoded() {
		Envelope sender = new Envelope("node-a", 77);
		DeliveredIds receiver = new DeliveredIds(16);
		OutboundMessage sent = OutboundMessage.text(this.allocator, "late", false);
		try {
			ByteBuffer late = sender.encodeUnnumbered(sent);
			for (int i = 0; i < DeliveredIds.WINDOW + 10; i++) {
				ByteBuffer other = sender.encodeUnnumbered(sent);
				sender.number(other);
				assertThat(receiver.firstDelivery(77, 0, Envelope.publishId(other))).isTrue();
			}
			sender.number(late.duplicate());
			long id = Envelope.publishId(late);
			assertThat(receiver.firstDelivery(77, 0, id)).as("delivered, not taken for a resend").isTrue();
			sender.number(late.duplicate());
			assertThat(Envelope.publishId(late)).as("a resend keeps its id").isEqualTo(id);
			assertThat(receiver.firstDelivery(77, 0, id)).as("and is delivered once").isFalse();
		}
		finally {
			sent.release();
		}
	}

	@Test
	void eachPublicationIsNamedByTheSendersIncarnationAndAGrowingPublishId() {
		Envelope sender = new Envelope("node-a", 77);
		OutboundMessage sent = OutboundMessage.text(this.allocator, "named", false);
		try {
			ByteBuffer first = sender.encode(sent);
			ByteBuffer second = sender.encode(sent);
			assertThat(Envelope.isIdentified(first)).isTrue();
			assertThat(Envelope.incarnation(first)).isEqualTo(77);
			assertThat(Envelope.incarnation(second)).isEqualTo(77);
			assertThat(Envelope.publishId(second)).isGreaterThan(Envelope.publishId(first));
			ByteBuffer positioned = ByteBuffer.wrap(sender.positionedHead(true, false, false, 42));
			assertThat(Envelope.isIdentified(positioned)).isTrue();
			assertThat(Envelope.incarnation(positioned)).isEqualTo(77);
			assertThat(Envelope.publishId(positioned)).isEqualTo(42);
			assertThat(new Envelope("node-b").incarnation()).isNotEqualTo(new Envelope("node-b").incarnation());
		}
		finally {
			sent.release();
		}
	}

	@Test
	void anEnvelopeOfTheVersionBeforeTimesIsStillRead() {
		byte[] payload = "old".getBytes(StandardCharsets.UTF_8);
		ByteBuffer wire = ByteBuffer.allocate(3 + 1 + payload.length)
			.put((byte) 1)
			.put((byte) 1)
			.put((byte) 1)
			.put((byte) 'a')
			.put(payload)
			.flip();
		assertThat(new Envelope("b").sentByOtherAt(wire)).isEqualTo(-1);
		OutboundMessage received = new Envelope("b").decode(wire, this.allocator);
		try {
			assertThat(received.text()).isEqualTo("old");
		}
		finally {
			received.release();
		}
	}

	@Test
	void aPayloadArrivesUnchangedWhateverItsSizeAndWhereverTheEnvelopeLiesInItsBuffer() {
		for (int size : new int[] { 0, 1, 125, 126, OutboundMessage.SMALL_FRAME_MAX - 4,
				OutboundMessage.SMALL_FRAME_MAX - 3, 70_000 }) {
			byte[] bytes = new byte[size];
			for (int i = 0; i < size; i++) {
				bytes[i] = (byte) (i * 31 + 7);
			}
			OutboundMessage sent = OutboundMessage.bytes(this.allocator, bytes, false, false);
			ByteBuffer alone;
			try {
				alone = new Envelope("a").encode(sent);
			}
			finally {
				sent.release();
			}
			// The same envelope between other bytes, as a slice and as a window.
			byte[] around = new byte[alone.remaining() + 10];
			alone.duplicate().get(around, 4, alone.remaining());
			ByteBuffer window = ByteBuffer.wrap(around, 4, alone.remaining());
			ByteBuffer slice = window.slice();
			for (ByteBuffer wire : new ByteBuffer[] { alone, window, slice }) {
				OutboundMessage received = new Envelope("b").decode(wire, this.allocator);
				try {
					assertThat(received.bytes()).as("payload of %d bytes", size).isEqualTo(bytes);
				}
				finally {
					received.release();
				}
			}
		}
	}

	@Test
	void bytesThatAreNotAnEnvelopeAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Envelope("a").decode(ByteBuffer.wrap("{\"json\":1}".getBytes()), this.allocator));
	}

}
