import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Edition } from '@jt808/protocol';
import { normalizePhone } from '@jt808/protocol';
import { identityOf } from '@jt808/simulators';
import type pg from 'pg';

/**
 * The storm's terminals, each already holding an auth code, in the three places that keep it: the
 * platform's roster (terminals.auth_code_hash, what PostgresRoster reads), a gateway roster file
 * (what FileRoster reads) and fleet-sim's state file (what the terminals remember), so that every
 * terminal only authenticates, as after a gateway restart.
 */
export interface StormFleet {
  n: number;
  phoneBase: string;
  share2019: number;
  seed: number;
}

export interface Terminal {
  /** The 12 configured digits (fleet-sim's state-file key). */
  phone: string;
  /** As the header carries it: 12 digits (2013) or 20 (2019), leading zeros kept. */
  edition: Edition;
  terminalId: string;
  plate: string;
  authCode: string;
  /** SHA-256 of the code (gateway/src/session/auth-code.ts), hex. */
  hash: string;
}

export function terminalsOf(fleet: StormFleet): Terminal[] {
  const out: Terminal[] = [];
  for (let index = 0; index < fleet.n; index++) {
    const id = identityOf(index, fleet);
    const authCode = randomBytes(16).toString('hex');
    out.push({
      phone: id.phone,
      edition: id.edition,
      terminalId: id.terminalId,
      plate: id.plate,
      authCode,
      hash: createHash('sha256').update(authCode, 'utf8').digest('hex'),
    });
  }
  return out;
}

/**
 * One center, a vehicle per terminal and the terminal with its hash, in two set-based statements
 * (unnest of arrays), the way launcher/src/demo-roster.ts loads the demo fleet; then ANALYZE.
 */
export async function loadRoster(pool: pg.Pool, terminals: Terminal[]): Promise<void> {
  await pool.query(
    `INSERT INTO centers (id, code, name, region, latitude, longitude)
     VALUES (1, 'C01', '郑州监控中心1', '郑州', 34.75, 113.62)`,
  );
  const plates = terminals.map((t) => t.plate);
  await pool.query(
    `INSERT INTO vehicles (plate, plate_color, center_id) SELECT p, 2, 1 FROM unnest($1::text[]) AS p`,
    [plates],
  );
  await pool.query(
    `INSERT INTO terminals (phone, terminal_id, edition, vehicle_id, auth_code_hash, installed_at, registered_at)
     SELECT u.phone, u.terminal_id, u.edition, v.id, decode(u.hash, 'hex'), now(), now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
            AS u(phone, terminal_id, edition, plate, hash)
       JOIN vehicles v ON v.plate = u.plate AND v.plate_color = 2`,
    [
      terminals.map((t) => normalizePhone(t.phone)),
      terminals.map((t) => t.terminalId),
      terminals.map((t) => t.edition),
      plates,
      terminals.map((t) => t.hash),
    ],
  );
  await pool.query('ANALYZE centers, vehicles, terminals');
}

/** The same roster as FileRoster's JSON lines (gateway/src/roster/file-roster.ts). */
export function writeRosterFile(path: string, terminals: Terminal[]): void {
  const lines: string[] = [];
  for (const t of terminals) {
    lines.push(
      JSON.stringify({
        terminal: { phone: normalizePhone(t.phone), terminalId: t.terminalId, plate: t.plate, plateColor: 2 },
      }),
    );
  }
  for (const t of terminals)
    lines.push(JSON.stringify({ authCode: { phone: normalizePhone(t.phone), hash: t.hash } }));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** fleet-sim's --state file: phone (12 digits) → { authCode, edition, terminalId, plate }. */
export function writeStateFile(path: string, terminals: Terminal[]): void {
  const state: Record<string, unknown> = {};
  for (const t of terminals) {
    state[t.phone] = { authCode: t.authCode, edition: t.edition, terminalId: t.terminalId, plate: t.plate };
  }
  writeFileSync(path, JSON.stringify(state));
}
