import type { OwnerContract as Contract, ContractInput } from '@jt808/api-contract';
import type pg from 'pg';
import { AfterSalesError } from './errors.js';

/**
 * Contracts between the operator and a customer: the customer's enterprise, or the private owner
 * of a vehicle (held on that vehicle: the platform has no owners table, an owner is the owner
 * columns of their vehicles). Customers are addressed by one of their vehicles, like the archive.
 */

/**
 * The vehicles of the same private owner as vehicle `$1`: the same identity number, else (no
 * number on record) the same phone, else only that vehicle. A condition on `sibling`; the
 * sub-selects are evaluated once, so each branch can use its index.
 */
export const SAME_PRIVATE_OWNER = `(sibling.id = $1
  OR sibling.owner_id_number = (SELECT owner_id_number FROM vehicles WHERE id = $1)
  OR (sibling.owner_id_number IS NULL
      AND sibling.owner_phone = (SELECT owner_phone FROM vehicles WHERE id = $1 AND owner_id_number IS NULL)))`;

/** The vehicles of vehicle `$1`'s customer: its enterprise's and its private owner's. A condition on `sibling`. */
export const SAME_CUSTOMER = `(sibling.enterprise_id = (SELECT enterprise_id FROM vehicles WHERE id = $1) OR ${SAME_PRIVATE_OWNER})`;

/** The contracts of vehicle `$1`'s customer: its enterprise's, and those of its private owner. A condition on `contract`. */
export const OF_CUSTOMER = `(contract.enterprise_id = (SELECT enterprise_id FROM vehicles WHERE id = $1)
  OR contract.vehicle_id IN (SELECT sibling.id FROM vehicles sibling WHERE ${SAME_PRIVATE_OWNER}))`;

const LOCAL_TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

const CONTRACT_COLUMNS = `contract.id, contract.number, contract.kind,
  CASE WHEN contract.enterprise_id IS NULL THEN 'owner' ELSE 'enterprise' END AS party,
  to_char(contract.signed_on, 'YYYY-MM-DD') AS "signedOn", to_char(contract.starts_on, 'YYYY-MM-DD') AS "startsOn",
  to_char(contract.ends_on, 'YYYY-MM-DD') AS "endsOn", contract.vehicles_covered AS "vehiclesCovered",
  contract.fee_per_vehicle_fen AS "feePerVehicleFen",
  (contract.vehicles_covered::bigint * contract.fee_per_vehicle_fen)::float8 AS "totalFen",
  CASE WHEN ${LOCAL_TODAY} < contract.starts_on THEN 'pending'
       WHEN ${LOCAL_TODAY} > contract.ends_on THEN 'expired' ELSE 'active' END AS status,
  contract.note, contract.created_by AS "createdBy"`;

/** The customer's contracts, newest signature first. The caller checks that the vehicle is in scope. */
export async function contractsOf(pool: pg.Pool, vehicleId: number): Promise<Contract[]> {
  const { rows } = await pool.query<Contract>(
    `SELECT ${CONTRACT_COLUMNS} FROM owner_contracts contract WHERE ${OF_CUSTOMER} ORDER BY contract.signed_on DESC, contract.id DESC`,
    [vehicleId],
  );
  return rows;
}

/** Records a contract with the vehicle's enterprise or its private owner. */
export async function createContract(
  pool: pg.Pool,
  vehicleId: number,
  input: ContractInput,
  createdBy: string,
): Promise<Contract> {
  if (input.startsOn > input.endsOn) throw new AfterSalesError('a contract cannot end before it starts');
  if (input.signedOn > input.endsOn) throw new AfterSalesError('a contract cannot be signed after it ends');
  const { rows: vehicles } = await pool.query<{ enterprise_id: number | null }>(
    'SELECT enterprise_id FROM vehicles WHERE id = $1',
    [vehicleId],
  );
  const vehicle = vehicles[0];
  if (!vehicle) throw new AfterSalesError('no such customer', 'not-found');
  if (input.party === 'enterprise' && vehicle.enterprise_id === null) {
    throw new AfterSalesError('this vehicle belongs to no enterprise: the contract is with its owner');
  }
  try {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO owner_contracts (number, kind, enterprise_id, vehicle_id, signed_on, starts_on, ends_on,
                                    vehicles_covered, fee_per_vehicle_fen, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        input.number,
        input.kind,
        input.party === 'enterprise' ? vehicle.enterprise_id : null,
        input.party === 'owner' ? vehicleId : null,
        input.signedOn,
        input.startsOn,
        input.endsOn,
        input.vehiclesCovered,
        input.feePerVehicleFen,
        input.note ?? null,
        createdBy,
      ],
    );
    const { rows: created } = await pool.query<Contract>(
      `SELECT ${CONTRACT_COLUMNS} FROM owner_contracts contract WHERE contract.id = $1`,
      [rows[0]!.id],
    );
    return created[0]!;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AfterSalesError(`contract number ${input.number} is already taken`, 'conflict');
    }
    throw error;
  }
}
