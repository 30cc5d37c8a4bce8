import { readFile } from 'node:fs/promises';
import { FAULT_KINDS, type FaultKind, isFaultKind } from './faults.js';

/** One line of a scenario: a fault, whom it hits, from when and for how long. */
export interface FaultSpec {
  fault: FaultKind;
  /** Simulated seconds from the start of the run. */
  at: number;
  /** Simulated seconds; absent: until the run ends. */
  duration?: number;
  /** Share of the fleet (0..1), drawn per terminal from the seed; or */
  share?: number;
  /** explicit terminals: indexes (numbers) or phones (strings of digits). */
  terminals?: (number | string)[];
  /** reconnect-storm: simulated seconds between two storms (default 60). */
  every?: number;
  /** garbage: chance per report that random bytes go out before it (default 0.2). */
  probability?: number;
  /** clock-skew: hours the GNSS time is off (default: 1 to 12, either way, per terminal). */
  hours?: number;
  /** position-drift: largest jump, km (default 60). */
  km?: number;
}

export interface Scenario {
  description?: string;
  faults: FaultSpec[];
}

/** A scenario that cannot be used; the message names the file and the field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

const FIELDS = ['fault', 'at', 'duration', 'share', 'terminals', 'every', 'probability', 'hours', 'km'];

/** Checks a parsed scenario document; `source` names it in error messages. */
export function parseScenario(document: unknown, source = 'scenario'): Scenario {
  if (!isRecord(document)) throw new ScenarioError(`${source}: must be a JSON object with a "faults" array`);
  for (const key of Object.keys(document)) {
    if (key !== 'faults' && key !== 'description') {
      throw new ScenarioError(`${source}: unknown field "${key}" (expected "description" and "faults")`);
    }
  }
  if (document.description !== undefined && typeof document.description !== 'string') {
    throw new ScenarioError(`${source}: "description" must be a string`);
  }
  if (!Array.isArray(document.faults)) throw new ScenarioError(`${source}: "faults" must be an array`);
  const faults = document.faults.map((entry, i) => parseFault(entry, `${source}: faults[${i}]`));
  return document.description === undefined ? { faults } : { description: document.description, faults };
}

/** Reads and checks a scenario file. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(`scenario file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario file ${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseScenario(document, `scenario file ${path}`);
}

function parseFault(entry: unknown, where: string): FaultSpec {
  if (!isRecord(entry)) throw new ScenarioError(`${where}: must be an object`);
  for (const key of Object.keys(entry)) {
    if (!FIELDS.includes(key)) throw new ScenarioError(`${where}: unknown field "${key}"`);
  }
  if (!isFaultKind(entry.fault)) {
    throw new ScenarioError(
      `${where}.fault: must be one of ${FAULT_KINDS.join(', ')} (got ${JSON.stringify(entry.fault)})`,
    );
  }
  const spec: FaultSpec = {
    fault: entry.fault,
    at: number(entry.at, `${where}.at`, 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
  const duration = number(entry.duration, `${where}.duration`, 0, Number.MAX_SAFE_INTEGER, true);
  if (duration !== undefined) spec.duration = duration;
  const share = number(entry.share, `${where}.share`, 0, 1);
  const terminals = terminalList(entry.terminals, `${where}.terminals`);
  if ((share === undefined) === (terminals === undefined)) {
    throw new ScenarioError(
      `${where}: give either "share" (0..1) or "terminals" (a list), not both or neither`,
    );
  }
  if (share !== undefined) spec.share = share;
  if (terminals !== undefined) spec.terminals = terminals;
  const options = {
    every: ['reconnect-storm', 1, 86_400],
    probability: ['garbage', 0, 1],
    hours: ['clock-skew', -240, 240],
    km: ['position-drift', 1, 1000],
  } as const;
  for (const [field, [fault, low, high]] of Object.entries(options)) {
    if (entry[field] === undefined) continue;
    if (entry.fault !== fault) throw new ScenarioError(`${where}.${field}: applies to "${fault}" only`);
    spec[field as 'every'] = number(entry[field], `${where}.${field}`, low, high);
  }
  return spec;
}

function number(
  value: unknown,
  where: string,
  low: number,
  high: number,
  positive = false,
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < low ||
    value > high ||
    (positive && value <= 0)
  ) {
    const range =
      high >= Number.MAX_SAFE_INTEGER
        ? `${positive ? 'above' : 'at least'} ${low}`
        : `from ${low} to ${high}`;
    throw new ScenarioError(`${where}: must be a number ${range} (got ${JSON.stringify(value)})`);
  }
  return value;
}

function terminalList(value: unknown, where: string): (number | string)[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ScenarioError(`${where}: must be a non-empty list of terminal indexes or phone numbers`);
  }
  value.forEach((item, i) => {
    const index = typeof item === 'number' && Number.isInteger(item) && item >= 0;
    const phone = typeof item === 'string' && /^\d{1,20}$/.test(item);
    if (!index && !phone) {
      throw new ScenarioError(
        `${where}[${i}]: must be a terminal index (whole number) or a phone (digits), got ${JSON.stringify(item)}`,
      );
    }
  });
  return value as (number | string)[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
