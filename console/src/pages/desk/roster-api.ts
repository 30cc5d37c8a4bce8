import { getJson, postFile, postJson, putJson, type Role, type ShipMode } from '../../lib/api.js';

/**
 * The routes that enter the roster's after-sales facts (docs/after-sales.md, "Entering the roster's
 * after-sales facts", "Installers"): a vehicle's owner, a terminal's shipment, the installer register
 * and the installers' contracts.
 */

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
}

export type InstallerInput = Omit<Installer, 'code' | 'servicePoint'>;

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

export const fetchInstallerContracts = (): Promise<InstallerContract[]> =>
  getJson('/api/installer-contracts');
export const setInstallerContract = (
  code: string,
  contract: { feeFen: number; minPerDay: number | null },
): Promise<InstallerContract> => putJson(`/api/installer-contracts/${part(code)}`, contract);
export const importInstallerContracts = (file: Blob): Promise<ImportReport> =>
  postFile('/api/installer-contracts/import', file, 'text/csv');
