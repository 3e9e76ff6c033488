package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Several envelopes of one channel in one publish: each comes out as it went in, and a
 * malformed batch is rejected whole.
 */
class EnvelopeBatchTests {

	private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

	private final Envelope sender = new Envelope("node-a");

	private final Envelope receiver = new Envelope("node-b");

	@Test
	void eachEnvelopeOfABatchComesOutUnchangedInOrder() {
		List<ByteBuffer> envelopes = List.of(text("first"), binary(new byte[] { 0, (byte) 0xFF, 7 }), text("third"));
		ByteBuffer batch = Envelope.batch(envelopes);
		assertThat(Envelope.version(batch)).isEqualTo(Envelope.VERSION_BATCH);
		assertThat(batch.remaining()).isEqualTo(Envelope.BATCH_HEAD
				+ envelopes.stream().mapToInt((envelope) -> Envelope.BATCH_ENTRY_HEAD + envelope.remaining()).sum());
		List<ByteBuffer> unbatched = Envelope.unbatch(batch);
		assertThat(unbatched).hasSize(3);
		for (int i = 0; i < 3; i++) {
			assertThat(unbatched.get(i)).isEqualTo(envelopes.get(i));
			assertThat(Envelope.isIdentified(unbatched.get(i))).isTrue();
			assertThat(Envelope.publishId(unbatched.get(i))).isEqualTo(Envelope.publishId(envelopes.get(i)));
			assertThat(Envelope.incarnation(unbatched.get(i))).isEqualTo(this.sender.incarnation());
		}
		assertThat(decodedText(unbatched.get(0))).isEqualTo("first");
		assertThat(decodedBytes(unbatched.get(1))).containsExactly(0, (byte) 0xFF, 7);
		assertThat(decodedText(unbatched.get(2))).isEqualTo("third");
		assertThat(this.sender.decode(unbatched.get(0), this.allocator)).as("the sender's own").isNull();
	}

	@Test
	void payloadsOfEverySizeComeOutOfABatchUnchanged() {
		List<byte[]> payloads = new ArrayList<>();
		List<ByteBuffer> envelopes = new ArrayList<>();
		for (int size : new int[] { 0, 1, 500, 5_000, 70_000 }) {
			byte[] bytes = new byte[size];
			Arrays.fill(bytes, (byte) size);
			payloads.add(bytes);
			envelopes.add(binary(bytes));
		}
		List<ByteBuffer> unbatched = Envelope.unbatch(Envelope.batch(envelopes));
		for (int i = 0; i < payloads.size(); i++) {
			assertThat(decodedBytes(unbatched.get(i))).as("payload of %d bytes", payloads.get(i).length)
				.isEqualTo(payloads.get(i));
		}
	}

	@Test
	void aBatchEndingInsideALengthIsRejected() {
		ByteBuffer batch = Envelope.batch(List.of(text("whole")));
		ByteBuffer truncated = ByteBuffer.allocate(batch.remaining() + 2).put(batch).put((byte) 0).put((byte) 0).flip();
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.unbatch(truncated))
			.withMessageContaining("ends in the length of an envelope");
	}

	@Test
	void aBatchWhoseLengthRunsPastItsEndIsRejected() {
		ByteBuffer batch = Envelope.batch(List.of(text("whole"), text("cut short")));
		ByteBuffer truncated = batch.limit(batch.limit() - 3);
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.unbatch(truncated))
			.withMessageContaining("follow");
		ByteBuffer negative = ByteBuffer.allocate(5).put(Envelope.VERSION_BATCH).putInt(-1).flip();
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.unbatch(negative))
			.withMessageContaining("-1 bytes");
		ByteBuffer empty = ByteBuffer.allocate(5).put(Envelope.VERSION_BATCH).putInt(0).flip();
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.unbatch(empty)).withMessageContaining("0 bytes");
	}

	@Test
	void aBatchInsideABatchIsRejected() {
		ByteBuffer inner = Envelope.batch(List.of(text("nested")));
		ByteBuffer outer = Envelope.batch(List.of(text("fine"), inner));
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.unbatch(outer))
			.withMessageContaining("holds a batch");
	}

	@Test
	void aBatchOfNothingAndBytesThatAreNoBatchAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Envelope.unbatch(ByteBuffer.wrap(new byte[] { Envelope.VERSION_BATCH })))
			.withMessageContaining("no envelope");
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.unbatch(text("alone")))
			.withMessageContaining("Not a batch");
	}

	@Test
	void aBatchIsNoEnvelopeToTheDecodersOfSingleEnvelopes() {
		// What a node of a version before batching does with one: rejects it.
		ByteBuffer batch = Envelope.batch(List.of(text("new")));
		assertThatIllegalArgumentException().isThrownBy(() -> this.receiver.decode(batch, this.allocator));
		assertThat(Envelope.isPositioned(batch)).isFalse();
		assertThat(Envelope.isIdentified(batch)).isFalse();
	}

	private ByteBuffer text(String text) {
		OutboundMessage message = OutboundMessage.text(this.allocator, text, false);
		try {
			return this.sender.encode(message);
		}
		finally {
			message.release();
		}
	}

	private ByteBuffer binary(byte[] bytes) {
		OutboundMessage message = OutboundMessage.bytes(this.allocator, bytes, false, false);
		try {
			return this.sender.encode(message);
		}
		finally {
			message.release();
		}
	}

	private String decodedText(ByteBuffer envelope) {
		OutboundMessage message = this.receiver.decode(envelope, this.allocator);
		try {
			return message.text();
		}
		finally {
			message.release();
		}
	}

	private byte[] decodedBytes(ByteBuffer envelope) {
		OutboundMessage message = this.receiver.decode(envelope, this.allocator);
		try {
			return message.bytes();
		}
		finally {
			message.release();
		}
	}

}
