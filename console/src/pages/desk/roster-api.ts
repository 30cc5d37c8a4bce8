import type {
  History,
  ImportReport,
  Installer,
  InstallerAccount,
  InstallerContract,
  InstallerContractEntry,
  InstallerContractInput,
  InstallerEntry,
  InstallerInput,
  NewInstaller,
  NewInstallerAccount,
  Owner,
  OwnerInput,
  Shipment,
  ShipmentInput,
} from '@jt808/api-contract';
import { getJson, postFile, postJson, putJson, type Role } from '../../lib/api.js';

/** The routes on the contract: their types come from it (@jt808/api-contract, roster.ts). */
export type {
  HistoryEntry,
  ImportReport,
  Installer,
  InstallerAccount,
  InstallerContract,
  InstallerInput,
  Owner,
  OwnerInput,
  Shipment,
  ShipmentInput,
} from '@jt808/api-contract';

/**
 * The routes that enter the roster's after-sales facts (docs/after-sales.md, "Entering the roster's
 * after-sales facts", "Installers"): a vehicle's owner, a terminal's shipment, the installer register
 * and the installers' contracts.
 */

/** The roles that read their change history (platform/api/src/routes/roster-history.ts, READERS). */
export const HISTORY_READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** The roles that may write them (platform/api/src/routes/roster-records.ts, ROSTER_WRITERS). */
export const ROSTER_WRITERS: readonly Role[] = ['admin', 'desk'];

const part = encodeURIComponent;

export const setOwner = (vehicleId: string, owner: OwnerInput): Promise<Owner> =>
  putJson(`/api/vehicles/${part(vehicleId)}/owner`, owner);
/** Answers the stored shipment with the terminal's number (masked). */
export const setShipment = (phone: string, shipment: ShipmentInput): Promise<Shipment> =>
  putJson(`/api/terminals/${part(phone)}/shipment`, shipment);

export const fetchInstallers = (): Promise<Installer[]> => getJson('/api/installers');
export const addInstaller = (installer: NewInstaller): Promise<InstallerEntry> =>
  postJson('/api/installers', installer);
export const updateInstaller = (code: string, installer: InstallerInput): Promise<InstallerEntry> =>
  putJson(`/api/installers/${part(code)}`, installer);

/** No password: the platform generates one and answers it once. */
export const createInstallerAccount = (
  code: string,
  account: NewInstallerAccount,
): Promise<InstallerAccount> => postJson(`/api/installers/${part(code)}/account`, account);
export const resetInstallerPassword = (code: string, password?: string): Promise<InstallerAccount> =>
  postJson(`/api/installers/${part(code)}/account/password`, password === undefined ? {} : { password });

export const fetchInstallerContracts = (): Promise<InstallerContract[]> =>
  getJson('/api/installer-contracts');
export const setInstallerContract = (
  code: string,
  contract: InstallerContractInput,
): Promise<InstallerContractEntry> => putJson(`/api/installer-contracts/${part(code)}`, contract);
export const importInstallerContracts = (file: Blob): Promise<ImportReport> =>
  postFile('/api/installer-contracts/import', file, 'text/csv');

/** A change history by its route: `/api/vehicles/1/history`, `/api/installers/W-1/history`... */
export const fetchHistory = (path: string): Promise<History> => getJson(path);
export const historyPath = (kind: 'vehicles' | 'terminals' | 'installers', key: string): string =>
  `/api/${kind}/${part(key)}/history`;
