import type { Registration } from '@jt808/protocol';
import { RegistrationResult } from '@jt808/protocol';
import type { RegistrationDecision, TerminalRecord, UnknownTerminalPolicy } from './roster.js';

/**
 * The registration decision, apart from where records are stored:
 * - a known phone whose record names another terminal id: terminal already registered (3);
 * - a plate held by another phone: vehicle already registered (1);
 * - an unknown phone: rejected as no such terminal (4), or accepted as pending;
 * - otherwise success. A terminal may register again (after losing its auth code).
 */
export function decideRegistration(
  phone: string,
  registration: Registration,
  known: TerminalRecord | undefined,
  plateHolder: string | undefined,
  policy: UnknownTerminalPolicy,
): RegistrationDecision {
  if (known?.terminalId && registration.terminalId && known.terminalId !== registration.terminalId) {
    return { result: RegistrationResult.TerminalAlreadyRegistered, pending: false };
  }
  if (registration.plate && plateHolder !== undefined && plateHolder !== phone) {
    return { result: RegistrationResult.VehicleAlreadyRegistered, pending: false };
  }
  if (known === undefined) {
    return policy === 'pending'
      ? { result: RegistrationResult.Success, pending: true }
      : { result: RegistrationResult.TerminalNotInDatabase, pending: false };
  }
  return { result: RegistrationResult.Success, pending: known.pending ?? false };
}
