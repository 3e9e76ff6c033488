-- Reads a topic's history since a position, as of one instant. KEYS: stream, meta. ARGV:
-- epoch of the position asked for (empty for none), its offset, how many of the newest to
-- answer when not recovered, ttl ms, a fresh epoch, lineage check (as in history-publish.lua).
-- Answers {epoch, offset, recovered (1 or 0), entries}: the entries, oldest first, packed
-- into one string, each as '<id> <text flag> <payload length>\n<payload>'. One string, not
-- three replies per entry: the client decodes a reply on its connection's one I/O thread,
-- element by element, and a node taking over many resuming readers at once would have them
-- wait in line behind each other's hundreds of elements.
local lineage = ''
if ARGV[6] == '1' then
  lineage = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
end
local epoch = redis.call('HGET', KEYS[2], 'e')
if (not epoch) or (lineage ~= '' and redis.call('HGET', KEYS[2], 'l') ~= lineage) then
  -- Writes nothing: a topic without a (valid) history answers a fresh epoch at offset 0,
  -- which its next publication does not continue (it begins an epoch of its own), so
  -- reading any number of names leaves no key behind.
  return {fresh_epoch(ARGV[5]), '0', '0'}
end
local offset = tonumber(redis.call('HGET', KEYS[2], 'o'))
local now = redis.call('TIME')
local oldest = now[1] * 1000 + math.floor(now[2] / 1000) - tonumber(ARGV[4])
local answer = {epoch, string.format('%d', offset), '0', ''}
local packed = {}
local function add(entry)
  local id = string.sub(entry[1], 1, string.find(entry[1], '-', 1, true) - 1)
  local payload = entry[2][2]
  packed[#packed + 1] = id .. ' ' .. entry[2][4] .. ' ' .. #payload .. '\n'
  packed[#packed + 1] = payload
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
    answer[4] = table.concat(packed)
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
answer[4] = table.concat(packed)
return answer
