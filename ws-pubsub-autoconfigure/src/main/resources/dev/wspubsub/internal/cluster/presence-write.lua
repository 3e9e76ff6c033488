-- Writes one node's presence entries of one topic (see RedisPresenceRegistry): a join, a
-- leave, or the heartbeat's rewrite. KEYS: the topic's presence hash. ARGV: ttl ms, how many
-- entries to set (n), n pairs of field and value, then the fields to remove. Removes before
-- it sets, so an entry that left and came back stays. Setting restarts the hash's expiry,
-- one ttl after the last write of any node; a removal alone leaves it as it was.
local sets = tonumber(ARGV[2])
local first_removal = 3 + 2 * sets
-- In slices: unpacking thousands of arguments at once overflows Lua's stack.
local slice = 1000
for i = first_removal, #ARGV, slice do
  redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + slice - 1, #ARGV)))
end
for i = 3, first_removal - 1, slice do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + slice - 1, first_removal - 1)))
end
if sets > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {}
