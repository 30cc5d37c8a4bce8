import { EventKind } from '@jt808/bus';
import { type BodyOf, type Header, normalizePhone, RegistrationResult } from '@jt808/protocol';
import type { GatewayContext, Inbound } from '../context.js';
import type { RegistrationDecision } from '../roster/roster.js';
import { hashAuthCode, newAuthCode } from '../session/auth-code.js';
import type { Session } from '../session/session.js';
import { publishReport } from './replies.js';

/**
 * 0x0100: decided by the roster, which on success keeps the hash of a fresh auth code before the
 * code goes out (0x8100). While the phone has a live authenticated session on another connection,
 * any gateway's, a registration is refused (3): it would hand a second peer a code and lock the
 * terminal out. Refusals of a phone the roster knows are reported to the platform as alerts on
 * that terminal; refusals of unknown phones are only counted (anyone can send them).
 */
export async function handleRegistration(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
  registration: BodyOf<'registration'>,
): Promise<void> {
  const { header } = inbound.message;
  const decision = (await liveElsewhere(ctx, session, header.phone))
    ? ({
        result: RegistrationResult.TerminalAlreadyRegistered,
        pending: false,
        known: true,
        reason: 'live-session-elsewhere',
      } satisfies RegistrationDecision)
    : await registerWithNewCode(ctx, session, header, registration);
  ctx.metrics.registrations.inc({ result: decision.reason ?? (decision.pending ? 'pending' : 'known') });
  if (decision.result === RegistrationResult.Success) {
    publishReport(ctx, session, inbound, EventKind.Registered, {
      reason: decision.pending ? 'pending' : 'known',
    });
    return;
  }
  reply(session, header, decision.result);
  ctx.logSampled(
    'registration-refused',
    { session: session.id, phone: header.phone, result: decision.result, reason: decision.reason },
    'registration refused',
  );
  if (decision.known)
    publishReport(ctx, session, inbound, EventKind.Registered, {
      reason: `refused:${decision.result}:${decision.reason}`,
      remoteAddress: session.remoteAddress,
    });
}

async function registerWithNewCode(
  ctx: GatewayContext,
  session: Session,
  header: Header,
  registration: BodyOf<'registration'>,
): Promise<RegistrationDecision> {
  const authCode = newAuthCode();
  const decision = await ctx.roster.register(header.phone, registration, hashAuthCode(authCode));
  if (decision.result === RegistrationResult.Success) {
    session.state = session.state === 'authenticated' ? session.state : 'registered';
    reply(session, header, RegistrationResult.Success, authCode);
  }
  return decision;
}

/**
 * Another connection, here or on a gateway that is still alive, holds the phone's session. Sessions
 * are known by the phone as their header carries it, so both editions' spellings are asked for: a
 * terminal signed in as 2013 is the same SIM as a 2019 registration of it.
 */
async function liveElsewhere(ctx: GatewayContext, session: Session, phone: string): Promise<boolean> {
  const digits = normalizePhone(phone);
  for (const spelling of new Set([phone, digits.padStart(12, '0'), digits.padStart(20, '0')])) {
    const local = ctx.live.get(spelling);
    if (local !== undefined && local !== session && !local.isClosed) return true;
    const holder = await ctx.bus.sessions.liveHolder(spelling);
    if (holder !== undefined && holder !== ctx.gatewayId) return true;
  }
  return false;
}

function reply(session: Session, header: Header, result: number, authCode?: string): void {
  session.send({
    name: 'registrationResponse',
    body:
      authCode === undefined
        ? { replySerial: header.serial, result }
        : { replySerial: header.serial, result, authCode },
  });
}
