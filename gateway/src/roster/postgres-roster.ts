import { normalizePhone, type Registration } from '@jt808/protocol';
import pg from 'pg';
import { BatchedLookup } from './batched-lookup.js';
import type { RegistrationDecision, RegistrationFacts, Roster, UnknownTerminalPolicy } from './roster.js';
import { decideRegistration } from './roster-rules.js';

export interface PostgresRosterOptions {
  /** Connections this process may hold; the pool closes them again when idle. */
  connections?: number;
  /** Most phones looked up in one statement. */
  maxBatch?: number;
  /** How long an authentication waits for others to share its statement. */
  gatherMs?: number;
  onError?: (error: Error) => void;
}

/** The row of gateway_registration_facts (platform/storage/migrations/0020_gateway_registry.sql). */
interface FactsRow {
  known: boolean;
  terminal_id: string | null;
  pending: boolean | null;
  vehicle_plate: string | null;
  vehicle_plate_color: number | null;
  vehicle_vin: string | null;
  plate_vehicle: boolean;
  plate_vehicle_terminal: string | null;
  plate_vehicle_planned: boolean;
}

/**
 * The platform's roster in PostgreSQL, shared by every gateway: registrations are decided from it
 * and auth-code hashes are kept in it, so a terminal authenticates on any gateway, before and after
 * any of them (or the bus Redis) restarts. The gateway reaches the platform's tables only through
 * the `gateway_*` functions its migrations define (the contract, as the bus schema is for events).
 * Authentications ask in batches (BatchedLookup): a sign-in storm costs one indexed statement per
 * few hundred terminals.
 */
export class PostgresRoster implements Roster {
  private readonly pool: pg.Pool;
  private readonly hashes: BatchedLookup<Buffer>;

  constructor(
    databaseUrl: string,
    private readonly policy: UnknownTerminalPolicy,
    options: PostgresRosterOptions = {},
  ) {
    const connections = options.connections ?? 2;
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: connections,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'jt808-gateway',
    });
    // An idle connection the server dropped: the pool replaces it on the next query.
    this.pool.on('error', (error) => options.onError?.(error));
    this.hashes = new BatchedLookup(
      (phones) => this.fetchHashes(phones),
      options.maxBatch ?? 1000,
      connections,
      options.gatherMs ?? 50,
    );
  }

  async register(
    phone: string,
    registration: Registration,
    authCodeHash: Buffer,
  ): Promise<RegistrationDecision> {
    const key = normalizePhone(phone);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Locks the terminal's row, so two gateways registering one phone take turns.
      const { rows } = await client.query<FactsRow>('SELECT * FROM gateway_registration_facts($1, $2, $3)', [
        key,
        registration.plate.trim(),
        registration.plateColor,
      ]);
      const decision = decideRegistration(key, registration, factsOf(rows[0]!), this.policy);
      if (decision.result === 0) {
        await client.query('SELECT gateway_save_auth_code($1, $2, $3, $4)', [
          key,
          authCodeHash,
          registration.terminalId.trim(),
          decision.pending,
        ]);
      }
      await client.query('COMMIT');
      return decision;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  authCodeHash(phone: string): Promise<Buffer | undefined> {
    return this.hashes.get(normalizePhone(phone));
  }

  private async fetchHashes(phones: string[]): Promise<Map<string, Buffer>> {
    // Named: planned once per connection, where an unnamed statement is parsed and planned each
    // time (half its cost for a few phones; bench/RESULTS.md, "Sign-in storm").
    const { rows } = await this.pool.query<{ phone: string; auth_code_hash: Buffer }>({
      name: 'gateway-auth-code-hashes',
      text: 'SELECT phone, auth_code_hash FROM gateway_auth_code_hashes($1)',
      values: [phones],
    });
    return new Map(rows.map((row) => [row.phone, row.auth_code_hash]));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function factsOf(row: FactsRow): RegistrationFacts {
  return {
    terminal: row.known
      ? {
          terminalId: row.terminal_id,
          pending: row.pending ?? false,
          vehicle:
            row.vehicle_plate === null
              ? null
              : { plate: row.vehicle_plate, plateColor: row.vehicle_plate_color ?? 0, vin: row.vehicle_vin },
        }
      : undefined,
    plateVehicle: row.plate_vehicle
      ? { terminalPhone: row.plate_vehicle_terminal, plannedInstallation: row.plate_vehicle_planned }
      : undefined,
  };
}
