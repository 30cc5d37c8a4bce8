import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstClosedToOthers } from '../src/reachable.js';

const root = mkdtempSync(join(tmpdir(), 'jt808-reach-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('firstClosedToOthers (why the embedded PostgreSQL, run as postgres, cannot reach a checkout)', () => {
  it('names the nearest directory without o+x, as a clone under mktemp -d (0700) has', () => {
    const closed = join(root, 'closed');
    const inside = join(closed, 'checkout', 'node_modules');
    mkdirSync(inside, { recursive: true });
    chmodSync(root, 0o711);
    chmodSync(join(closed, 'checkout'), 0o755);
    chmodSync(inside, 0o755);
    chmodSync(closed, 0o700);
    expect(firstClosedToOthers(inside)).toBe(closed);
  });

  it('finds nothing once every directory up to / lets others through', () => {
    const open = join(root, 'open', 'checkout');
    mkdirSync(open, { recursive: true });
    chmodSync(root, 0o711);
    chmodSync(join(root, 'open'), 0o755);
    chmodSync(open, 0o755);
    const closedAbove = firstClosedToOthers(tmpdir());
    expect(firstClosedToOthers(open)).toBe(closedAbove);
  });
});
