import { getJson, postFile, postJson, putJson, type Role, type ShipMode } from '../../lib/api.js';

/**
 * The routes that enter the roster's after-sales facts (docs/after-sales.md, "Entering the roster's
 * after-sales facts", "Installers"): a vehicle's owner, a terminal's shipment, the installer register
 * and the installers' contracts.
 */

/** The roles that read their change history (platform/src/api/routes/roster-history.ts, READERS). */
export const HISTORY_READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** One change of a roster fact, personal data masked; `field` is the stored column. */
export interface HistoryEntry {
  at: string;
  subject: 'vehicle' | 'terminal' | 'installer' | 'installer-contract';
  field: string;
  old: string | null;
  new: string | null;
  actor: string;
  source: 'console' | 'api' | 'import' | 'database';
}

/** The roles that may write them (platform/src/api/routes/roster-records.ts, ROSTER_WRITERS). */
export const ROSTER_WRITERS: readonly Role[] = ['admin', 'desk'];

export interface Owner {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
}

export interface Shipment {
  shippedOn: string | null;
  shipMode: ShipMode | null;
}

export interface Installer {
  code: string;
  name: string;
  /** Masked. */
  phone: string | null;
  certificate: string | null;
  servicePointId: number;
  servicePoint?: string;
  active: boolean;
  /** The username of their sign-in account, if they have one. */
  account?: string | null;
}

export type InstallerInput = Omit<Installer, 'code' | 'servicePoint' | 'account'>;

/** An installer's account as made or reset; `generated` is the one-time password, shown once. */
export interface InstallerAccount {
  installer: string;
  username: string;
  generated?: string;
}

export interface InstallerContract {
  installer: string;
  name: string;
  servicePointId: number;
  servicePoint: string;
  feeFen: number;
  minPerDay: number | null;
}

/** What an import did, as the roster import reports it. */
export interface ImportReport {
  encoding: string | null;
  read: number;
  loaded: number;
  rejected: { line: number; reason: string }[];
  error?: string;
}

const part = encodeURIComponent;

export const setOwner = (vehicleId: string, owner: Owner): Promise<Owner> =>
  putJson(`/api/vehicles/${part(vehicleId)}/owner`, owner);
/** Answers the stored shipment with the terminal's number (masked). */
export const setShipment = (phone: string, shipment: Shipment): Promise<Shipment & { phone: string }> =>
  putJson(`/api/terminals/${part(phone)}/shipment`, shipment);

export const fetchInstallers = (): Promise<Installer[]> => getJson('/api/installers');
export const addInstaller = (installer: InstallerInput & { code: string }): Promise<Installer> =>
  postJson('/api/installers', installer);
export const updateInstaller = (code: string, installer: InstallerInput): Promise<Installer> =>
  putJson(`/api/installers/${part(code)}`, installer);

/** No password: the platform generates one and answers it once. */
export const createInstallerAccount = (
  code: string,
  account: { username: string; password?: string },
): Promise<InstallerAccount> => postJson(`/api/installers/${part(code)}/account`, account);
export const resetInstallerPassword = (code: string, password?: string): Promise<InstallerAccount> =>
  postJson(`/api/installers/${part(code)}/account/password`, password === undefined ? {} : { password });

export const fetchInstallerContracts = (): Promise<InstallerContract[]> =>
  getJson('/api/installer-contracts');
export const setInstallerContract = (
  code: string,
  contract: { feeFen: number; minPerDay: number | null },
): Promise<InstallerContract> => putJson(`/api/installer-contracts/${part(code)}`, contract);
export const importInstallerContracts = (file: Blob): Promise<ImportReport> =>
  postFile('/api/installer-contracts/import', file, 'text/csv');

/** A change history by its route: `/api/vehicles/1/history`, `/api/installers/W-1/history`... */
export const fetchHistory = (path: string): Promise<{ items: HistoryEntry[] }> => getJson(path);
export const historyPath = (kind: 'vehicles' | 'terminals' | 'installers', key: string): string =>
  `/api/${kind}/${part(key)}/history`;
