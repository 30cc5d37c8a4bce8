import { EventKind, type TerminalEvent } from '../schema.js';

/**
 * Two lanes of streams. Live events (every report as it happens, sign-ins, answers) go to
 * `<prefix>:events:<shard>`; 0x0704 batches, which after a network outage carry the fixes a
 * terminal stored meanwhile (blind-area supplements, up to tens of fixes an event), go to
 * `<prefix>:backfill:<shard>`. After a regional outage thousands of terminals upload such backlogs
 * at once; in the live streams they would stand in front of every other terminal's live reports,
 * as ingest works a stream in order. Consumers read the live streams first and take a bounded
 * share of backfill each batch (see RedisConsumer), so a backlog drains with what live leaves and
 * is never starved.
 */
export const Lane = { Live: 0, Backfill: 1 } as const;
export type Lane = (typeof Lane)[keyof typeof Lane];

/** 0x0704 定位数据批量上传 (the bus reads only the message id; type 0 and 1 alike are bulk). */
const LOCATION_BATCH = 0x0704;

/**
 * Cap on a backfill entry: about 64 events of 0x0704 (a frame's body is at most 1,023 bytes), about
 * 1,500 fixes. A consumer takes whole entries, so this bounds what one entry adds to a batch.
 */
export const BACKFILL_ENTRY_BYTES = 64 * 1024;

export function laneOf(event: TerminalEvent): Lane {
  return event.kind === EventKind.Message && event.messageId === LOCATION_BATCH ? Lane.Backfill : Lane.Live;
}
