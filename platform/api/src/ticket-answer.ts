import type { TicketAfterAction } from '@jt808/api-contract';

/**
 * A `tickets` row as the API answers it (the contract's TicketRow, camelCase). The row comes from
 * `SELECT *` of the workflow's store (tickets/ticket-store.ts), which the status engine and the
 * after-sales code read by the column names, so it is renamed here, at the route, rather than in
 * that SQL. Dates stay Dates: the serializer writes them as the contract's ISO strings.
 */
type TicketFields = Omit<TicketAfterAction, 'actions'>;

/** `centerId` → `center_id`: the column a contract field is named after. */
type Column<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Column<Tail>}`
  : S;

/** A stored ticket: every column the contract's TicketRow names, by its column name. */
export type StoredTicket = { [K in keyof TicketFields as Column<K>]: unknown };

/** The stored ticket's fields under the contract's names. */
export function ticketAnswer(row: StoredTicket): TicketFields {
  const fields = {
    id: row.id,
    kind: row.kind,
    phone: row.phone,
    vehicleId: row.vehicle_id,
    centerId: row.center_id,
    state: row.state,
    reason: row.reason,
    reasons: row.reasons,
    occurrences: row.occurrences,
    incidentId: row.incident_id,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    category: row.category,
    severity: row.severity,
    servicePointId: row.service_point_id,
    installer: row.installer,
    appointmentAt: row.appointment_at,
    responseDue: row.response_due,
    onsiteDue: row.onsite_due,
    breaches: row.breaches,
    faultCause: row.fault_cause,
    partsReplaced: row.parts_replaced,
    replacementPhone: row.replacement_phone,
    inWarranty: row.in_warranty,
    resolvedAt: row.resolved_at,
    verifiedAt: row.verified_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    satisfaction: row.satisfaction,
    callbackComment: row.callback_comment,
    callbackAt: row.callback_at,
    source: row.source,
    distance: row.distance,
    arrivedAt: row.arrived_at,
    faultCauseCode: row.fault_cause_code,
  } satisfies Record<keyof TicketFields, unknown>;
  return fields as TicketFields;
}
