export { addDays, daysBetween, isDay, localDay, startOfDay, WorkingCalendar } from './calendar.js';
export {
  callbackFigures,
  callbacksDue,
  followUps,
  recordCallback,
  scheduleMonthlyCallbacks,
  scheduleTicketCallbacks,
} from './callback-store.js';
export {
  answerComplaint,
  type NewComplaint,
  raiseAutomaticComplaints,
  recordComplaint,
  reportMeasuresDone,
} from './complaint-store.js';
export {
  listCalendarDays,
  loadConfig,
  loadSettings,
  saveCalendarDays,
  saveSettings,
} from './config-store.js';
export { contractsOf, createContract, OF_CUSTOMER, SAME_CUSTOMER } from './contract-store.js';
export { type Cell, type Table, toCsv } from './csv.js';
export { AfterSalesError, statusOf } from './errors.js';
export { addFaultCause, changeFaultCause, listFaultCauses } from './fault-causes.js';
export { installProgressOf, saveInstallPlan } from './install-progress-store.js';
export { answerTicket, clockEvent, recordCall, ticketClocks } from './intake-store.js';
export { mask, maskDetail, maskRow, mayViewInFull, type PersonalField } from './masking.js';
export { MISSED_CLOCK_COLUMNS, missedClockCounts, missedClocksSql } from './missed-clocks.js';
export { deliverNotices } from './notice-store.js';
export { addEndpoint, listEndpoints, updateEndpoint } from './notification-endpoints.js';
export { deliverDue, loadSender, retryDelayMs, saveSender, webhookSender } from './outbound.js';
export { listPatrols, recordPatrol, reportPatrol } from './patrol-store.js';
export { periodicReportTable, periodicServiceReport } from './periodic-report-store.js';
export { closeExchange, linkExchangeRma, replacementFlags } from './replacement.js';
export { parsePeriod } from './report-periods.js';
export { monthlyServiceReport, serviceReportTable } from './report-store.js';
export { addQuote, decideQuote, type RmaRecord, rmaCase, saveRecord } from './rma-store.js';
export { runAfterSalesRound, startAfterSalesRounds } from './rounds.js';
export { DEFAULT_AFTER_SALES_SETTINGS } from './settings.js';
export { settlementsTable } from './settlement.js';
export { settlements, signOffInstallation } from './settlement-store.js';
export {
  DEFAULT_ONSITE_HOURS,
  onsiteHoursOf,
  saveOnsiteHours,
  withCenterHours,
} from './tickets/onsite-hours.js';
export {
  advanceTicket,
  type OpenRequest,
  openTicket,
  platformMove,
  type TicketRow,
} from './tickets/ticket-store.js';
export {
  actionsFrom,
  arrivalLateMinutes,
  type Category,
  deadlines,
  type TicketAction,
  TicketError,
  type TicketState,
} from './tickets/workflow.js';
export { decide } from './warranty.js';
export { UNIT_COLUMNS, type UnitColumns, unitOf, withWarrantyUntil } from './warranty-store.js';
export { toXlsx } from './xlsx.js';
