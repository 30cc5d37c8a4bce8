import type { Registration } from '@jt808/protocol';
import { RegistrationResult } from '@jt808/protocol';
import type {
  RefusalReason,
  RegistrationDecision,
  RegistrationFacts,
  UnknownTerminalPolicy,
} from './roster.js';

/**
 * The registration decision, apart from where the roster is kept (docs/gateway.md, "Registration"):
 * - a known phone must present its terminal id (the roster's, or any on the first registration of
 *   a phone the roster lists without one) and, when it is installed in a vehicle, that vehicle's
 *   plate: a wrong or empty terminal id is result 3, a plate of another vehicle 1, a plate the
 *   roster lacks 2;
 * - an unknown phone is result 4, unless an installation job is planned for the vehicle it names
 *   (or the policy is `pending`): then it joins as pending, for the installer to confirm;
 * - a plate whose vehicle carries another terminal is result 1.
 * A terminal may register again (after losing its auth code); the old code stops working.
 */
export function decideRegistration(
  phone: string,
  registration: Registration,
  facts: RegistrationFacts,
  policy: UnknownTerminalPolicy,
): RegistrationDecision {
  const { terminal, plateVehicle } = facts;
  const known = terminal !== undefined;
  const refuse = (result: number, reason: RefusalReason): RegistrationDecision => ({
    result,
    pending: false,
    known,
    reason,
  });
  const plate = registration.plate.trim();
  const takenByOther =
    plateVehicle?.terminalPhone !== undefined &&
    plateVehicle.terminalPhone !== null &&
    plateVehicle.terminalPhone !== phone;
  if (terminal) {
    const terminalId = registration.terminalId.trim();
    if (terminalId === '') return refuse(RegistrationResult.TerminalAlreadyRegistered, 'terminal-id-missing');
    if (terminal.terminalId !== null && terminal.terminalId !== terminalId)
      return refuse(RegistrationResult.TerminalAlreadyRegistered, 'terminal-id-mismatch');
    const vehicle = terminal.vehicle;
    if (vehicle && !namesVehicle(registration.plateColor, plate, vehicle)) {
      return plateVehicle
        ? refuse(RegistrationResult.VehicleAlreadyRegistered, 'plate-of-another-vehicle')
        : refuse(RegistrationResult.VehicleNotInDatabase, 'vehicle-not-in-roster');
    }
    if (!vehicle && plate !== '') {
      if (!plateVehicle) return refuse(RegistrationResult.VehicleNotInDatabase, 'vehicle-not-in-roster');
      if (takenByOther)
        return refuse(RegistrationResult.VehicleAlreadyRegistered, 'plate-held-by-another-terminal');
    }
    return { result: RegistrationResult.Success, pending: terminal.pending, known };
  }
  if (takenByOther)
    return refuse(RegistrationResult.VehicleAlreadyRegistered, 'plate-held-by-another-terminal');
  if (policy === 'pending' || plateVehicle?.plannedInstallation)
    return { result: RegistrationResult.Success, pending: true, known };
  return refuse(RegistrationResult.TerminalNotInDatabase, 'terminal-not-in-roster');
}

/** With plate colour 0 (no plate yet) the plate field may carry the VIN. */
function namesVehicle(
  plateColor: number,
  plate: string,
  vehicle: { plate: string; plateColor: number; vin: string | null },
): boolean {
  if (vehicle.plate === plate && vehicle.plateColor === plateColor) return true;
  return plateColor === 0 && vehicle.vin !== null && vehicle.vin === plate;
}
