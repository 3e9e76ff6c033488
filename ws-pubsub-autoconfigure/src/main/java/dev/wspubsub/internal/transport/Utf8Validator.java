package dev.wspubsub.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Checks UTF-8 (RFC 3629) a fragment at a time, carrying a character cut between
 * fragments over to the next one, and fails at the first byte that no continuation could
 * make valid (RFC 6455 §8.1: fail fast). Each byte is looked at once, however many
 * fragments a message has.
 */
final class Utf8Validator implements ByteProcessor {

	/** Continuation bytes still expected for the current character. */
	private int needed;

	/**
	 * The range the next continuation byte must fall in: narrower after E0, ED, F0 and
	 * F4.
	 */
	private int low = 0x80;

	private int high = 0xBF;

	private boolean failed;

	/** Starts a new message. */
	void reset() {
		this.needed = 0;
		this.low = 0x80;
		this.high = 0xBF;
		this.failed = false;
	}

	/**
	 * @return whether the bytes of {@code fragment} so far can still be the start of
	 * valid UTF-8
	 */
	boolean check(ByteBuf fragment) {
		if (!this.failed && fragment.isReadable()) {
			fragment.forEachByte(this);
		}
		return !this.failed;
	}

	/**
	 * @return whether everything checked so far is valid UTF-8 that ends on a whole
	 * character
	 */
	boolean isComplete() {
		return !this.failed && this.needed == 0;
	}

	@Override
	public boolean process(byte value) {
		int b = value & 0xFF;
		if (this.needed > 0) {
			if (b < this.low || b > this.high) {
				return fail();
			}
			this.needed--;
			this.low = 0x80;
			this.high = 0xBF;
			return true;
		}
		if (b < 0x80) {
			return true;
		}
		if (b >= 0xC2 && b <= 0xDF) {
			this.needed = 1;
		}
		else if (b >= 0xE0 && b <= 0xEF) {
			this.needed = 2;
			if (b == 0xE0) {
				this.low = 0xA0; // shorter forms are overlong
			}
			else if (b == 0xED) {
				this.high = 0x9F; // above are UTF-16 surrogates
			}
		}
		else if (b >= 0xF0 && b <= 0xF4) {
			this.needed = 3;
			if (b == 0xF0) {
				this.low = 0x90; // overlong
			}
			else if (b == 0xF4) {
				this.high = 0x8F; // above U+10FFFF
			}
		}
		else {
			return fail(); // a continuation byte without a lead, C0, C1 or F5-FF
		}
		return true;
	}

	private boolean fail() {
		this.failed = true;
		return false;
	}

}
