/** FNV-1a over the phone digits: keeps one terminal's events in one stream, so they stay in order. */
export function shardOf(phone: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < phone.length; i++) {
    hash ^= phone.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
