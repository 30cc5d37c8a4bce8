import { EventKind } from '@jt808/bus';
import { type BodyOf, type Header, RegistrationResult } from '@jt808/protocol';
import type { GatewayContext, Inbound } from '../context.js';
import { hashAuthCode, newAuthCode } from '../session/auth-code.js';
import type { Session } from '../session/session.js';
import { publishSessionEvent } from './replies.js';

/** 0x0100: asks the roster, issues a fresh auth code on success (keeping only its hash), replies 0x8100. */
export async function handleRegistration(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
  registration: BodyOf<'registration'>,
): Promise<void> {
  const { header } = inbound.message;
  const decision = await ctx.roster.register(header.phone, registration);
  if (decision.result !== RegistrationResult.Success) {
    reply(session, header, decision.result);
    publishSessionEvent(
      ctx,
      session,
      EventKind.Registered,
      registeredFields(inbound, `refused:${decision.result}`),
    );
    return;
  }
  const authCode = newAuthCode();
  await ctx.roster.saveAuthCodeHash(header.phone, hashAuthCode(authCode));
  session.state = session.state === 'authenticated' ? session.state : 'registered';
  reply(session, header, RegistrationResult.Success, authCode);
  publishSessionEvent(
    ctx,
    session,
    EventKind.Registered,
    registeredFields(inbound, decision.pending ? 'pending' : 'known'),
  );
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

function registeredFields(inbound: Inbound, reason: string) {
  const { header } = inbound.message;
  return {
    messageId: header.messageId,
    serial: header.serial,
    edition: header.edition,
    body: inbound.body,
    reason,
  };
}
