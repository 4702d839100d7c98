-- What Prosody makes of each JID on stdin (one JSON string a line): its prepared parts as a
-- JSON array, or null when util.jid refuses it or its domain cannot be routed (IDNA).
-- Run with Prosody's own Lua and libraries: CFG_SOURCEDIR is the first argument.
local source = arg[1]
package.path = source .. "/?.lua;" .. package.path
package.cpath = source .. "/?.so;" .. package.cpath
-- Prosody 13's modules require each other as "prosody.util.x": its loader maps those names
-- to the tree (0.12 has no loader, and needs none).
pcall(require, "loader")
local jid = require "util.jid"
local json = require "util.json"
local idna = require "util.encodings".idna

local function routable(host)
  if host:match("^%d+%.%d+%.%d+%.%d+$") or host:match("^%[.*%]$") then return true end
  return idna.to_ascii(host) ~= nil
end

for line in io.lines() do
  local node, host, resource = jid.prepped_split(json.decode(line))
  if host and routable(host) then
    print(json.encode({ node or "", host, resource or "" }))
  else
    print("null")
  end
end
