-- Put before the history scripts that begin epochs (see HistoryScripts).
-- An epoch begins with the time Redis began it (microseconds, base 36, fixed width), so a
-- node that sees two epochs of a topic knows which is the later one whatever order its
-- connections hand them over in; the random tail tells apart epochs begun in the same
-- microsecond on different shards.
local function fresh_epoch(random)
  local now = redis.call('TIME')
  local n = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local digits = '0123456789abcdefghijklmnopqrstuvwxyz'
  local time = ''
  while n > 0 do
    local d = n % 36
    time = string.sub(digits, d + 1, d + 1) .. time
    n = (n - d) / 36
  end
  return string.rep('0', 11 - #time) .. time .. string.sub(random, 1, 5)
end
