import type { RosterKind, RosterKindName } from '../kind.js';
import { centers } from './centers.js';
import { enterprises } from './enterprises.js';
import { installations } from './installations.js';
import { installerContracts } from './installer-contracts.js';
import { installers } from './installers.js';
import { servicePoints } from './service-points.js';
import { terminals } from './terminals.js';
import { vehicles } from './vehicles.js';

/** Every kind, in the order that loads what a file refers to before the file referring to it. */
export const ROSTER_KINDS: readonly RosterKind[] = [
  centers,
  enterprises,
  servicePoints,
  vehicles,
  terminals,
  installations,
  installers,
  installerContracts,
];

export function rosterKind(name: RosterKindName): RosterKind {
  const kind = ROSTER_KINDS.find((candidate) => candidate.name === name);
  if (kind === undefined) throw new Error(`no roster kind ${name}`);
  return kind;
}
