import { AfterSalesError } from './errors.js';
import type { Category } from './tickets/workflow.js';

/**
 * What the service desk records of a call, and how it becomes a ticket of the service workflow.
 * Pure: the intake store applies it.
 */
export interface CallReport {
  receivedAt: Date;
  callerName?: string;
  callerPhone: string;
  /** The vehicle, by any one of these. */
  vehicle: { id?: number; plate?: string; terminal?: string; ownerPhone?: string };
  description: string;
  category: Category;
  severity: 1 | 2 | 3;
  /** Guidance or a consultation settled during the call: the ticket closes at once. */
  answeredOnCall?: boolean;
  /** A visit is needed (default: for hardware faults). */
  needsVisit?: boolean;
  /** How it came in: a call (default) or an enquiry left on the web; the weekly report counts them apart. */
  channel?: 'phone' | 'web';
}

/** Faults go to the repair workflow (visits, platform verification); guidance and consultations are service tickets. */
export function ticketKindOf(category: Category): 'repair' | 'service' {
  return category === 'hardware' || category === 'software' ? 'repair' : 'service';
}

export interface IntakePlan {
  kind: 'repair' | 'service';
  needsVisit: boolean;
  closesAtOnce: boolean;
}

export function planIntake(report: CallReport): IntakePlan {
  const kind = ticketKindOf(report.category);
  if (report.answeredOnCall && kind === 'repair') {
    throw new AfterSalesError(
      'a hardware or software fault is not closed on the call: it is verified once repaired',
    );
  }
  const { id, plate, terminal, ownerPhone } = report.vehicle;
  if (id === undefined && !plate && !terminal && !ownerPhone) {
    throw new AfterSalesError('name the vehicle: by id, plate, terminal number or owner phone');
  }
  if (!report.description.trim()) throw new AfterSalesError('describe what the caller reports');
  return {
    kind,
    needsVisit: report.needsVisit ?? report.category === 'hardware',
    closesAtOnce: report.answeredOnCall === true,
  };
}
