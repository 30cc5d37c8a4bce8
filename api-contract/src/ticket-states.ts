/**
 * A ticket's states in the workflow's order. A module of its own, free of TypeBox, so the console
 * can import the list as a value (its board's columns) without bundling the schema library.
 */
export const TICKET_STATES = [
  'held',
  'new',
  'classified',
  'dispatched',
  'appointed',
  'on-site',
  'resolved',
  'verified',
  'closed',
] as const;
export type TicketState = (typeof TICKET_STATES)[number];
