/** The faults a scenario can inject, each a bit in a terminal's fault mask. */
export const FAULT_KINDS = [
  'silent',
  'offline',
  'gnss-antenna-open',
  'gnss-antenna-short',
  'gnss-module-fault',
  'power-cut',
  'undervoltage',
  'no-fix',
  'frozen-position',
  'position-drift',
  'clock-skew',
  'heartbeat-only',
  'reconnect-storm',
  'garbage',
  'blind-area',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

export function faultBit(kind: FaultKind): number {
  return 1 << FAULT_KINDS.indexOf(kind);
}

export const Fault = {
  silent: faultBit('silent'),
  offline: faultBit('offline'),
  gnssAntennaOpen: faultBit('gnss-antenna-open'),
  gnssAntennaShort: faultBit('gnss-antenna-short'),
  gnssModuleFault: faultBit('gnss-module-fault'),
  powerCut: faultBit('power-cut'),
  undervoltage: faultBit('undervoltage'),
  noFix: faultBit('no-fix'),
  frozenPosition: faultBit('frozen-position'),
  positionDrift: faultBit('position-drift'),
  clockSkew: faultBit('clock-skew'),
  heartbeatOnly: faultBit('heartbeat-only'),
  reconnectStorm: faultBit('reconnect-storm'),
  garbage: faultBit('garbage'),
  blindArea: faultBit('blind-area'),
} as const;

/** Faults during which the terminal stays off the gateway (it reconnects when they end). */
export const KEEPS_AWAY = Fault.offline | Fault.silent | Fault.blindArea;
/** Faults that lose the GNSS fix: the receiver, or its antenna, is out. */
export const LOSES_FIX = Fault.noFix | Fault.gnssAntennaOpen | Fault.gnssAntennaShort | Fault.gnssModuleFault;
