import type { ReassemblyBudget } from './reassembly-budget.js';
import type { Session } from './session.js';

/** A sub-packaged message missing packets for this long gets a resend request (0x8003). */
const RESEND_AFTER_MS = 5000;

/**
 * Asks the terminal again for packets of its sub-packaged messages that stopped arriving, and
 * drops messages past the assembler's time limit.
 */
export function sendResendRequests(session: Session, budget: ReassemblyBudget): void {
  const assembler = session.reassembly;
  if (!assembler) return;
  budget.charge(assembler, () => assembler.expire());
  for (const incomplete of assembler.pending(RESEND_AFTER_MS)) {
    session.send({
      name: 'resendRequest',
      body: { originalSerial: incomplete.firstSerial, packetIds: incomplete.missing },
    });
  }
}
