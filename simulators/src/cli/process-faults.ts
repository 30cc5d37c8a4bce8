/**
 * The platform's policy for what escaped every handler (docs/security.md, "Limits"), for the
 * simulator, which reports on stderr rather than through a logger: an unhandled rejection is
 * reported and the run goes on; an uncaught exception leaves its terminals in an unknown state,
 * so it is reported and the run ends (exit 1).
 */
export function reportProcessFaults(): void {
  const text = (fault: unknown) => (fault instanceof Error ? (fault.stack ?? fault.message) : String(fault));
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`fleet-sim: unhandled rejection: ${text(reason)}\n`);
  });
  process.on('uncaughtException', (error) => {
    process.stderr.write(`fleet-sim: uncaught exception, exiting: ${text(error)}\n`);
    process.exit(1);
  });
}
