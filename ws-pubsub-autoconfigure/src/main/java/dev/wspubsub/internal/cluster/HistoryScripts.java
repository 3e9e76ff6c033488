package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisHistory}: each runs atomically in Redis, so a
 * publication's position, its entry in the stream and its PUBLISH to every node are one
 * step, and a read sees the stream and its position as of one instant.
 *
 * <p>
 * Per topic two keys: a stream of the newest publications, whose entry ids are the
 * offsets ({@code <offset>-0}), fields {@code p} (payload as delivered), {@code x} (1 for
 * text) and {@code t} (Redis time in ms); and a hash beside it with the epoch {@code e},
 * the last offset {@code o} and the last outage reset applied {@code r}. Both expire
 * {@code ttl} after the last publication; when the hash is gone, a new epoch begins.
 */
final class HistoryScripts {

	/**
	 * KEYS: stream, meta. ARGV: channel, envelope head, payload head, payload tail, stamp
	 * (0 none, 1 a comma then the fields, 2 the fields alone; they go before the closing
	 * brace, the payload tail), size, ttl ms, a fresh epoch, reset token (empty for
	 * none), text flag. Answers {epoch, offset}.
	 */
	static final Script PUBLISH = new Script(
			"""
					local epoch = redis.call('HGET', KEYS[2], 'e')
					if (not epoch) or (ARGV[9] ~= '' and redis.call('HGET', KEYS[2], 'r') ~= ARGV[9]) then
					  epoch = ARGV[8]
					  redis.call('DEL', KEYS[1], KEYS[2])
					  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 0)
					  if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'r', ARGV[9]) end
					end
					local offset = string.format('%d', redis.call('HINCRBY', KEYS[2], 'o', 1))
					local payload = ARGV[3]
					if ARGV[5] ~= '0' then
					  if ARGV[5] == '1' then payload = payload .. ',' end
					  payload = payload .. '"epoch":"' .. epoch .. '","offset":' .. offset .. ARGV[4]
					end
					local now = redis.call('TIME')
					local ms = string.format('%d', now[1] * 1000 + math.floor(now[2] / 1000))
					redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[6], offset .. '-0', 'p', payload, 'x', ARGV[10], 't', ms)
					redis.call('PEXPIRE', KEYS[1], ARGV[7])
					redis.call('PEXPIRE', KEYS[2], ARGV[7])
					redis.call('PUBLISH', ARGV[1], ARGV[2] .. string.char(#epoch) .. epoch .. string.char(#offset) .. offset .. payload)
					return {epoch, offset}
					""");

	/**
	 * KEYS: stream, meta. ARGV: epoch of the position asked for (empty for none), its
	 * offset, how many of the newest to answer when not recovered, ttl ms, a fresh epoch.
	 * Answers {epoch, offset, recovered (1 or 0), then id, payload, text flag per entry,
	 * oldest first}. Writes nothing: a topic without history answers the fresh epoch at
	 * offset 0, which its first publication does not continue (it makes an epoch of its
	 * own), so reading any number of names leaves no key behind.
	 */
	static final Script READ = new Script("""
			local epoch = redis.call('HGET', KEYS[2], 'e')
			if not epoch then
			  return {ARGV[5], '0', '0'}
			end
			local offset = tonumber(redis.call('HGET', KEYS[2], 'o'))
			local now = redis.call('TIME')
			local oldest = now[1] * 1000 + math.floor(now[2] / 1000) - tonumber(ARGV[4])
			local answer = {epoch, string.format('%d', offset), '0'}
			local function add(entry)
			  local id = string.sub(entry[1], 1, string.find(entry[1], '-', 1, true) - 1)
			  table.insert(answer, id)
			  table.insert(answer, entry[2][2])
			  table.insert(answer, entry[2][4])
			end
			local since = tonumber(ARGV[2])
			if ARGV[1] == epoch and since <= offset then
			  if since == offset then
			    answer[3] = '1'
			    return answer
			  end
			  local first = string.format('%d', since + 1)
			  local entries = redis.call('XRANGE', KEYS[1], first, '+')
			  if #entries > 0 and entries[1][1] == first .. '-0' and tonumber(entries[1][2][6]) >= oldest then
			    answer[3] = '1'
			    for _, entry in ipairs(entries) do add(entry) end
			    return answer
			  end
			end
			local count = tonumber(ARGV[3])
			if count > 0 then
			  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', count)
			  for i = #newest, 1, -1 do
			    if tonumber(newest[i][2][6]) >= oldest then add(newest[i]) end
			  end
			end
			return answer
			""");

	private HistoryScripts() {
	}

	/**
	 * A script's text and SHA-1 in hex, to run it by digest and send the text only when
	 * Redis lacks it.
	 */
	record Script(ByteBuffer text, String sha) {

		Script(String text) {
			this(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), sha1(text));
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
