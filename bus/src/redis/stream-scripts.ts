import type { Redis } from 'ioredis';

/**
 * The event streams' steps that must be one: Redis runs a script as one command, so a crash can
 * never leave an entry added or acknowledged without its events counted, and a consumer renews
 * only entries that are still its own.
 *
 * Each stream `<key>` has a hash `<key>:counts` with `published` (events appended in batch
 * entries) and `acked:<group>` (events of entries that group acknowledged), so a group's lag in
 * events is one HMGET per stream, however many events each entry holds. Entries written before
 * batching (field `e`, one event) are read and acknowledged but not counted: a backlog of them at
 * an upgrade is missing from the lag until it drains, and the counters stay exact afterwards.
 */

/** KEYS: stream, counts. ARGV: maxLen, batch bytes, events in it. Returns the entry id. */
const ADD_BATCH = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'b', ARGV[2], 'n', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'published', ARGV[3])
return id`;

/**
 * KEYS: stream, counts. ARGV: group, then pairs of entry id and its events. Counts only entries
 * this call acknowledged, so acknowledging the same entry again (a redelivery) counts nothing.
 */
const ACK_COUNTED = `
local events = 0
for i = 2, #ARGV, 2 do
  events = events + redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) * tonumber(ARGV[i + 1])
end
if events > 0 then redis.call('HINCRBY', KEYS[2], 'acked:' .. ARGV[1], events) end
return events`;

/**
 * KEYS: stream, counts. ARGV: group. Creates the group at the stream's first entry; a new group's
 * acknowledged count starts at the events no longer in the stream (trimmed before it existed), so
 * its lag is exactly what it has to read. Reads the whole stream once, only when the group is new.
 * Returns 1 when created, 0 when the group existed.
 */
const CREATE_GROUP_COUNTED = `
local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(created) == 'table' and created.err then
  if string.find(created.err, 'BUSYGROUP', 1, true) then return 0 end
  return redis.error_reply(created.err)
end
local held = 0
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'n' then held = held + tonumber(fields[i + 1]) end
  end
end
local published = tonumber(redis.call('HGET', KEYS[2], 'published') or '0')
redis.call('HSET', KEYS[2], 'acked:' .. ARGV[1], published - held)
return 1`;

/**
 * KEYS: stream. ARGV: group, consumer, then entry ids. Resets the idle time of the entries the
 * consumer still holds (XCLAIM to itself; JUSTID leaves the delivery count alone) and leaves alone
 * any that another consumer has taken over meanwhile. Returns how many it kept.
 */
const KEEP_HOLDING = `
local kept = 0
for i = 3, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if pending[1] and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    kept = kept + 1
  end
end
return kept`;

export interface StreamScripts {
  addBatch(stream: string, counts: string, maxLen: number, batch: Buffer, events: number): Promise<string>;
  ackCounted(
    stream: string,
    counts: string,
    group: string,
    ...idsAndEvents: (string | number)[]
  ): Promise<number>;
  createGroupCounted(stream: string, counts: string, group: string): Promise<number>;
  keepHolding(stream: string, group: string, consumer: string, ...ids: string[]): Promise<number>;
}

/** Defines the scripts on a connection (ioredis sends EVALSHA, and the script itself on NOSCRIPT). */
export function withStreamScripts(redis: Redis): Redis & StreamScripts {
  redis.defineCommand('addBatch', { numberOfKeys: 2, lua: ADD_BATCH });
  redis.defineCommand('ackCounted', { numberOfKeys: 2, lua: ACK_COUNTED });
  redis.defineCommand('createGroupCounted', { numberOfKeys: 2, lua: CREATE_GROUP_COUNTED });
  redis.defineCommand('keepHolding', { numberOfKeys: 1, lua: KEEP_HOLDING });
  return redis as Redis & StreamScripts;
}

export function countsKey(stream: string): string {
  return `${stream}:counts`;
}
