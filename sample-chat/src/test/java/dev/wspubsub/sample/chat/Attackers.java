package dev.wspubsub.sample.chat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.Deflater;

import dev.wspubsub.test.Deflate;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsUpgradeRejectedException;

/**
 * The abuse scenario's attackers, run as a process of their own by
 * {@link AttackerProcess}, so that they bring their own JVM as a real attacker brings its
 * own machine, and connecting from one address of their own (not the bystanders'), so
 * that per-address limits see them as one client. Four attackers, 25 attacks a second
 * each: a reserved opcode (1002), a frame past the sample's 64 KB limit (1009), a
 * compressed bomb (1009) and, from 200 ms on, 50 upgrades at once. An attack refused at
 * the upgrade (429, 503) counts as refused; one let in must end with its close code.
 *
 * <p>
 * Arguments: the server's port, the local address, and a bound on how long to attack. It
 * attacks until its standard input ends or the bound passes, then prints one
 * {@link Tally} line.
 */
final class Attackers {

	static final String READY = "attacking";

	/** How the tally line begins. */
	static final String TALLY = "tally ";

	private static final int RSV1 = 0b100;

	private static final Duration FLOOD_DELAY = Duration.ofMillis(200);

	private static final byte[] BOMB = deflate(new byte[1024 * 1024]);

	private final int port;

	private final InetAddress from;

	private final AtomicBoolean attacking = new AtomicBoolean(true);

	private final Tally tally = new Tally();

	private Attackers(int port, InetAddress from) {
		this.port = port;
		this.from = from;
	}

	public static void main(String[] args) throws Exception {
		Attackers attackers = new Attackers(Integer.parseInt(args[0]), InetAddress.getByName(args[1]));
		Duration bound = Duration.parse(args[2]);
		ExecutorService threads = Executors.newFixedThreadPool(4);
		threads.submit(() -> attackers.repeat(attackers.tally.malformed, attackers::malformedFrame));
		threads.submit(() -> attackers.repeat(attackers.tally.oversized, attackers::oversizedFrame));
		threads.submit(() -> attackers.repeat(attackers.tally.bomb, attackers::compressedBomb));
		// The flood a little later, so that some frames of each kind get in before it
		// takes every upgrade the limit allows.
		LockSupport.parkNanos(FLOOD_DELAY.toNanos());
		threads.submit(() -> attackers.repeat(attackers.tally.flood, attackers::upgradeFlood));
		System.out.println(READY);
		System.out.flush();
		Thread stopper = new Thread(() -> {
			try {
				while (System.in.read() != -1) {
					// the parent closes our input to stop us
				}
			}
			catch (IOException ex) {
				// stop as well
			}
			attackers.attacking.set(false);
		});
		stopper.setDaemon(true);
		stopper.start();
		long deadline = System.nanoTime() + bound.toNanos();
		while (attackers.attacking.get() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(10_000_000L);
		}
		attackers.attacking.set(false);
		threads.shutdown();
		if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
			attackers.tally.fail("attackers still busy 30 s after being stopped");
		}
		System.out.println(attackers.tally.line());
		System.out.flush();
		System.exit(0);
	}

	/**
	 * Twenty-five attacks a second, each answered in its {@link Outcome}; a failure is
	 * kept, never thrown.
	 */
	private void repeat(Outcome outcome, Runnable attack) {
		long next = System.nanoTime();
		while (this.attacking.get()) {
			try {
				attack.run();
			}
			catch (WsUpgradeRejectedException ex) {
				if (ex.status() == 429 || ex.status() == 503) {
					outcome.refused.incrementAndGet();
				}
				else {
					this.tally.fail(ex.toString());
				}
			}
			catch (RuntimeException | AssertionError ex) {
				this.tally.fail(ex + ((ex.getCause() != null) ? " (" + ex.getCause() + ")" : ""));
			}
			next += 40_000_000L;
			LockSupport.parkNanos(next - System.nanoTime());
		}
	}

	private URI uri(String name) {
		return URI
			.create("ws://127.0.0.1:" + this.port + "/ws?username=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
	}

	/** A frame with a reserved opcode: the connection fails with 1002. */
	private void malformedFrame() {
		try (RawWebSocket raw = RawWebSocket.connectFrom(this.from, uri("Mallory"))) {
			raw.sendFrame(true, 0, 0x3, "?".getBytes(), true);
			expectClose(raw, 1002, this.tally.malformed);
		}
	}

	/** Past the sample's 64 KB payload limit: 1009. */
	private void oversizedFrame() {
		try (RawWebSocket raw = RawWebSocket.connectFrom(this.from, uri("Oscar"))) {
			raw.sendFrame(true, 0, Frame.TEXT, new byte[100 * 1024], true);
			expectClose(raw, 1009, this.tally.oversized);
		}
	}

	/**
	 * A kilobyte that inflates to a megabyte: 1009, without the megabyte ever being made.
	 */
	private void compressedBomb() {
		try (RawWebSocket raw = RawWebSocket.connectFrom(this.from, uri("Bomber"),
				Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
			if (raw.status() != 101) {
				throw new WsUpgradeRejectedException(uri("Bomber"), raw.status(), "", raw.responseHeaders());
			}
			raw.sendFrame(true, RSV1, Frame.TEXT, BOMB, true);
			expectClose(raw, 1009, this.tally.bomb);
		}
	}

	private void expectClose(RawWebSocket raw, int code, Outcome outcome) {
		int closeCode = raw.awaitClose(Duration.ofSeconds(10)).closeCode();
		if (closeCode != code) {
			throw new AssertionError("Expected close code " + code + " but got " + closeCode);
		}
		outcome.closed.incrementAndGet();
	}

	/** Fifty upgrades at once from one address, dropped without a word (a reset). */
	private void upgradeFlood() {
		List<RawWebSocket> flood = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				try {
					flood.add(RawWebSocket.connectFrom(this.from, uri("Flood" + i)));
					this.tally.flood.closed.incrementAndGet();
				}
				catch (WsUpgradeRejectedException ex) {
					if (ex.status() != 429 && ex.status() != 503) {
						throw ex;
					}
					this.tally.flood.refused.incrementAndGet();
				}
			}
		}
		finally {
			flood.forEach(RawWebSocket::abort);
		}
	}

	/**
	 * Raw DEFLATE with a sync flush, its 4-byte tail removed, as permessage-deflate sends
	 * it.
	 */
	private static byte[] deflate(byte[] data) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			byte[] compressed = Deflate.flush(deflater, data);
			return Arrays.copyOf(compressed, compressed.length - 4);
		}
		finally {
			deflater.end();
		}
	}

	/**
	 * What became of one kind of attack: let in and closed with its code (or, for a
	 * flood, let in), or refused.
	 */
	static final class Outcome {

		final AtomicLong closed = new AtomicLong();

		final AtomicLong refused = new AtomicLong();

	}

	/**
	 * The attacks' outcomes, and the first failure: an attack that ended otherwise than
	 * it must.
	 */
	static final class Tally {

		final Outcome malformed = new Outcome();

		final Outcome oversized = new Outcome();

		final Outcome bomb = new Outcome();

		final Outcome flood = new Outcome();

		final AtomicLong failures = new AtomicLong();

		final AtomicReference<String> firstFailure = new AtomicReference<>("none");

		void fail(String what) {
			this.failures.incrementAndGet();
			this.firstFailure.compareAndSet("none", what.replace('\n', ' '));
		}

		/**
		 * {@code tally malformed=<closed>/<refused> oversized=.. bomb=.. flood=<let in>/<refused> failures=<n> first=<text>}
		 */
		String line() {
			return TALLY + "malformed=" + pair(this.malformed) + " oversized=" + pair(this.oversized) + " bomb="
					+ pair(this.bomb) + " flood=" + pair(this.flood) + " failures=" + this.failures.get() + " first="
					+ this.firstFailure.get();
		}

		private static String pair(Outcome outcome) {
			return outcome.closed.get() + "/" + outcome.refused.get();
		}

	}

}
