import type { Session } from './session.js';

/** A sub-packaged message missing packets for this long gets a resend request (0x8003). */
const RESEND_AFTER_MS = 5000;

/**
 * Asks the terminal again for packets of its sub-packaged messages that stopped arriving, and
 * drops messages past the assembler's time limit.
 */
export function sendResendRequests(session: Session, _now: number): void {
  const assembler = session.reassembly;
  if (!assembler) return;
  assembler.expire();
  for (const incomplete of assembler.pending(RESEND_AFTER_MS)) {
    session.send({
      name: 'resendRequest',
      body: { originalSerial: incomplete.firstSerial, packetIds: incomplete.missing },
    });
  }
}
