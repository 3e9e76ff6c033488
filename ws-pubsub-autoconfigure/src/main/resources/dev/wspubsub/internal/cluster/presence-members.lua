-- Reads a topic's live presence entries and removes its expired ones (see
-- RedisPresenceRegistry). KEYS: the topic's presence hash. ARGV: the reader's time in ms.
-- Answers id, info, id, info... of the entries whose expiry is later; fields and values
-- not in presence's format ('<node-id>:<id>', '<expires-at-ms>:<info>') are left alone.
local now = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
local live, expired = {}, {}
for i = 1, #all, 2 do
  local field, value = all[i], all[i + 1]
  local id_at = string.find(field, ':', 1, true)
  local info_at = string.find(value, ':', 1, true)
  if id_at and info_at then
    if (tonumber(string.sub(value, 1, info_at - 1)) or 0) > now then
      live[#live + 1] = string.sub(field, id_at + 1)
      live[#live + 1] = string.sub(value, info_at + 1)
    else
      expired[#expired + 1] = field
    end
  end
end
local slice = 1000
for i = 1, #expired, slice do
  redis.call('HDEL', KEYS[1], unpack(expired, i, math.min(i + slice - 1, #expired)))
end
return live
