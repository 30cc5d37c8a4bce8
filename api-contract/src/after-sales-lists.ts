/**
 * The after-sales lists that requests and answers name and the console shows as choices. A module
 * of its own, free of TypeBox, so the console can import them as values (its checkboxes) without
 * bundling the schema library.
 */

/** What voids the warranty of a repair, as the service standard lists it. */
export const EXCLUSIONS = [
  'misuse',
  'third-party-repair',
  'modification',
  'missing-card',
  'missing-serial',
  'missing-label',
] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

/** What a notice tells: a ticket's dispatch, reassignment, new appointment or deadline, an escalation, an exchange. */
export const NOTICE_KINDS = [
  'dispatch',
  'reassign',
  'reschedule',
  'deadline',
  'escalation',
  'exchange',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
