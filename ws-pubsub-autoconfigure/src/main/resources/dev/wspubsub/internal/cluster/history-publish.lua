-- Appends one publication to a topic's history, gives it its position and publishes it, in
-- one step. KEYS: stream, meta (one hash slot on a cluster). ARGV: channel, envelope head,
-- payload head, payload tail, stamp (0 none, 1 a comma then the fields, 2 the fields alone;
-- they go before the payload tail, its closing brace), size,
-- ttl ms, random characters for a fresh epoch, reset token (empty for none), text flag,
-- publish command (PUBLISH, or SPUBLISH on a cluster, where the channel shares the keys'
-- slot), lineage check (1 to
-- begin a new epoch when the history was written under another replication id: a replica
-- promoted after its master failed may lack the master's last writes, whose offsets would
-- otherwise be given again to other publications), sender field ('d' and the node id),
-- sender ids (the node's incarnation and the publish id, space-separated), '1' when the
-- sender sends it again after a failure. Answers {epoch, offset}, or {epoch, offset, 1} for
-- such a resend this sender appended already: the reply to its first send was lost after
-- Redis ran it, and it is neither appended nor published again. Each sender keeps the last
-- id it appended here; a resend follows the sends it was in flight with, in order, so a
-- resent id up to that one is one Redis ran. A first send is never taken for a resend,
-- whatever its id: a send retried as EVAL after Redis answered NOSCRIPT may come after
-- later sends of its sender that found the script loaded.
local lineage = ''
if ARGV[12] == '1' then
  lineage = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
end
local epoch = redis.call('HGET', KEYS[2], 'e')
local incarnation, id = string.match(ARGV[14], '^(%S+) (%d+)$')
if ARGV[15] == '1' and epoch and (lineage == '' or redis.call('HGET', KEYS[2], 'l') == lineage) then
  local last = redis.call('HGET', KEYS[2], ARGV[13])
  if last then
    local lastIncarnation, lastId, lastOffset = string.match(last, '^(%S+) (%d+) (%d+)$')
    if lastIncarnation == incarnation and tonumber(lastId) >= tonumber(id) then
      return {epoch, lastOffset, 1}
    end
  end
end
-- A reset token is applied once, ever: each node's outage begins one new epoch, however
-- its publications interleave with other nodes' (the tokens stay when an epoch begins).
if (not epoch) or (ARGV[9] ~= '' and redis.call('HEXISTS', KEYS[2], 'r:' .. ARGV[9]) == 0)
    or (lineage ~= '' and redis.call('HGET', KEYS[2], 'l') ~= lineage) then
  epoch = fresh_epoch(ARGV[8])
  redis.call('DEL', KEYS[1])
  -- The senders' last offsets were of the old epoch; the tokens applied stay.
  for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
    if field == 'l' or string.sub(field, 1, 1) == 'd' then redis.call('HDEL', KEYS[2], field) end
  end
  redis.call('HSET', KEYS[2], 'e', epoch, 'o', 0)
  if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'r:' .. ARGV[9], 1) end
  if lineage ~= '' then redis.call('HSET', KEYS[2], 'l', lineage) end
end
local offset = string.format('%d', redis.call('HINCRBY', KEYS[2], 'o', 1))
local payload = ARGV[3]
if ARGV[5] ~= '0' then
  -- After the payload's own fields, so that the server's position is the one a JSON reader
  -- keeps even when a publisher put "epoch" or "offset" in its payload.
  if ARGV[5] == '1' then payload = payload .. ',' end
  payload = payload .. '"epoch":"' .. epoch .. '","offset":' .. offset .. ARGV[4]
end
local now = redis.call('TIME')
local ms = string.format('%d', now[1] * 1000 + math.floor(now[2] / 1000))
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[6], offset .. '-0', 'p', payload, 'x', ARGV[10], 't', ms)
redis.call('HSET', KEYS[2], ARGV[13], ARGV[14] .. ' ' .. offset)
-- Node ids may be random per start: past 64 senders and outages, forget the others' last ids
-- (a resend of theirs in that instant would be appended again) and the tokens of outages
-- other than this publication's (drained long since), so the hash stays small.
if redis.call('HLEN', KEYS[2]) > 68 then
  for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
    if (string.sub(field, 1, 1) == 'd' and field ~= ARGV[13])
        or (string.sub(field, 1, 2) == 'r:' and field ~= 'r:' .. ARGV[9]) then
      redis.call('HDEL', KEYS[2], field)
    end
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
local envelope = ARGV[2] .. string.char(#epoch) .. epoch .. string.char(#offset) .. offset .. payload
if ARGV[11] == 'SPUBLISH' then
  redis.call('SPUBLISH', ARGV[1], envelope)
else
  redis.call('PUBLISH', ARGV[1], envelope)
end
return {epoch, offset}
