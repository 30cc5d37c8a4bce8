import { EventKind } from '@jt808/bus';
import { type BodyOf, PlatformResult } from '@jt808/protocol';
import type { GatewayContext, Inbound } from '../context.js';
import { authCodeMatches } from '../session/auth-code.js';
import type { Session } from '../session/session.js';
import { acknowledge, publishSessionEvent } from './replies.js';

/**
 * 0x0102: a constant-time check of the auth code. Success makes the session live (and replaces an
 * older connection of the same terminal); repeated failures close the connection.
 */
export async function handleAuthentication(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
  authentication: BodyOf<'authentication'>,
): Promise<void> {
  const { header } = inbound.message;
  const stored = await ctx.roster.authCodeHash(header.phone);
  if (!authCodeMatches(authentication.authCode, stored)) {
    session.authFailures++;
    acknowledge(session, header, PlatformResult.Failure);
    ctx.logSampled(
      'auth-failed',
      { session: session.id, phone: header.phone, failures: session.authFailures },
      'authentication failed',
    );
    if (session.authFailures >= ctx.config.maxAuthFailures) session.close('auth-failed');
    return;
  }
  const previous = ctx.live.get(header.phone);
  if (previous && previous !== session) previous.close('replaced');
  session.state = 'authenticated';
  session.phone = header.phone;
  ctx.live.set(header.phone, session);
  ctx.onAuthenticated(session);
  await ctx.bus.sessions.claim(header.phone, ctx.gatewayId).catch((error: unknown) => {
    ctx.log.warn(
      { err: error, phone: header.phone },
      'session directory not updated; downlink may not find this terminal',
    );
  });
  publishSessionEvent(ctx, session, EventKind.Authenticated, {
    messageId: header.messageId,
    serial: header.serial,
    edition: header.edition,
    body: inbound.body,
    remoteAddress: session.remoteAddress,
  });
  acknowledge(session, header);
}
