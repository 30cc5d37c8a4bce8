import { storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropOldTrackIndexes,
  ensurePartitions,
  partitionName,
  TRACK_INDEX_DAYS,
} from '../src/storage/partitions.js';
import { readTrack } from '../src/storage/track.js';
import { expectThinned, insertTrackFixes, TRACK_TOTALS, trackPhone, trackScans } from './track-fixes.js';

const DAY = 86_400_000;
const startOfUtcDay = (time: number) => new Date(Math.floor(time / DAY) * DAY);

describe.skipIf(!hasPostgres)("a vehicle's track, partitions (real PostgreSQL)", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const now = new Date();
  const yesterday = new Date(startOfUtcDay(now.getTime()).getTime() - DAY);

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('track'));
    await ensurePartitions(pool, now, yesterday);
    await insertTrackFixes(pool, yesterday);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('thins evenly to at most maxPoints, first and last kept, with the stored values', async () => {
    await expectThinned(pool, yesterday);
  });

  it("reads a vacuumed day from the partition's covering index alone", async () => {
    const partition = partitionName(yesterday);
    await pool.query(`VACUUM ANALYZE ${partition}`);
    expect(await trackScans(pool, yesterday)).toMatchObject([
      { 'Node Type': 'Index Only Scan', 'Index Name': `${partition}_track`, 'Heap Fetches': 0 },
    ]);
  });

  it('gives new and empty future partitions the index and the autovacuum, and drops it past a week', async () => {
    const partitions = async () =>
      (
        await pool.query<{ name: string; track: boolean; options: string[] | null }>(
          `SELECT c.relname AS name, to_regclass(c.relname || '_track') IS NOT NULL AS track, c.reloptions AS options
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'positions'::regclass ORDER BY 1`,
        )
      ).rows;
    const tomorrow = partitionName(new Date(startOfUtcDay(now.getTime()).getTime() + DAY));
    const today = partitionName(now);
    for (const p of await partitions()) {
      expect(p.track, p.name).toBe(true);
      if (p.name !== 'positions_default') {
        expect(p.options, p.name).toEqual([
          'autovacuum_vacuum_insert_scale_factor=0',
          'autovacuum_vacuum_insert_threshold=1000000',
        ]);
      }
    }
    // A database laid out before the index: its future partitions get it, its stored days do not.
    for (const name of [today, tomorrow]) {
      await pool.query(`DROP INDEX ${name}_track`);
      await pool.query(`ALTER TABLE ${name} RESET (autovacuum_vacuum_insert_scale_factor)`);
    }
    expect(await ensurePartitions(pool, now)).toEqual([]);
    const after = new Map((await partitions()).map((p) => [p.name, p]));
    expect(after.get(tomorrow)).toMatchObject({ track: true });
    expect(after.get(tomorrow)?.options).toContain('autovacuum_vacuum_insert_scale_factor=0');
    expect(after.get(today)).toMatchObject({ track: false });

    // A week on, yesterday's index goes; its track is still read, from the heap.
    const later = new Date(yesterday.getTime() + (TRACK_INDEX_DAYS + 1) * DAY + 1);
    expect(await dropOldTrackIndexes(pool, later)).toEqual([`${partitionName(yesterday)}_track`]);
    expect(await dropOldTrackIndexes(pool, later)).toEqual([]);
    await expectThinned(pool, yesterday);
    const points = await readTrack(
      pool,
      trackPhone(0),
      yesterday.toISOString(),
      new Date(yesterday.getTime() + DAY).toISOString(),
      5000,
    );
    expect(points).toHaveLength(TRACK_TOTALS[0]!);
  });
});
