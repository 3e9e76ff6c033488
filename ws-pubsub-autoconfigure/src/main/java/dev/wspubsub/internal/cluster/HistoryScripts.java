package dev.wspubsub.internal.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisHistory}, kept beside this class as {@code .lua}
 * resources: each runs atomically in Redis, so a publication's position, its entry in the
 * stream and its publication to every node are one step, and a read sees the stream and
 * its position as of one instant.
 *
 * <p>
 * Per topic two keys (see {@link ChannelNames}): a stream of the newest publications,
 * whose entry ids are the offsets ({@code <offset>-0}), fields {@code p} (payload as
 * delivered), {@code x} (1 for text) and {@code t} (Redis time in ms); and a hash beside
 * it with the epoch {@code e}, the last offset {@code o}, a field {@code r:<token>} per
 * outage reset applied, and per sending node {@code d<node-id>} its incarnation, last
 * publish id and that one's offset, so a resend is not appended twice (at most 64 nodes
 * and outages are kept). An epoch begins with Redis' time (see
 * {@code history-epoch.lua}), so epochs of a topic compare in the order they began
 * ({@link dev.wspubsub.internal.history.Epochs#isLater}). Both expire {@code ttl} after
 * the last publication; when the hash is gone, a new epoch begins. On a cluster both keys
 * and the topic's shard channel share one hash slot, so each script runs on one master.
 */
final class HistoryScripts {

	/** Appends, numbers and publishes; see {@code history-publish.lua}. */
	static final Script PUBLISH = Script.load("history-epoch.lua", "history-publish.lua");

	/** Reads since a position; see {@code history-read.lua}. */
	static final Script READ = Script.load("history-epoch.lua", "history-read.lua");

	private HistoryScripts() {
	}

	/**
	 * Whether {@code error} is Redis' NOSCRIPT, however the client library wrapped it.
	 */
	static boolean isNoScript(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (String.valueOf(cause.getMessage()).startsWith("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A script's text and SHA-1 in hex, to run it by digest and send the text only when
	 * Redis lacks it.
	 */
	record Script(ByteBuffer text, String sha) {

		Script(String text) {
			this(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), sha1(text));
		}

		/** The named resources, one after the other, as one script. */
		static Script load(String... names) {
			StringBuilder text = new StringBuilder();
			for (String name : names) {
				try (InputStream in = HistoryScripts.class.getResourceAsStream(name)) {
					if (in == null) {
						throw new IllegalStateException("Lua script " + name + " is missing beside "
								+ HistoryScripts.class.getName() + " on the class path");
					}
					text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read Lua script " + name, ex);
				}
			}
			return new Script(text.toString());
		}

		private static String sha1(String text) {
			try {
				return HexFormat.of()
					.formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-1 is missing from this JVM", ex);
			}
		}
	}

}
