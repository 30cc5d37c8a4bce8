import type { Logger } from 'pino';

/**
 * What escaped every handler, logged at process level (docs/security.md, "Limits"). An unhandled
 * rejection is one piece of work that failed (a downlink command, a roster look-up) after the
 * code that started it stopped waiting: it is logged at error and the process goes on, its other
 * work unharmed. An uncaught exception was thrown out of an event handler midway through changing
 * state, which is now unknown: it is logged at fatal and the process exits (1) for its supervisor
 * to start a fresh one.
 *
 * The platform has its own copy (platform/server/src/process-faults.ts): the gateway and the platform
 * do not depend on each other, and the one package both use, the bus, holds the event schema and
 * its transports, not process plumbing. The one-command start uses the platform's.
 */
export function logProcessFaults(log: Logger): void {
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception: exiting');
    process.exit(1);
  });
}
