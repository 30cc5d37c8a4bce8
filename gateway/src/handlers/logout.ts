import { EventKind } from '@jt808/bus';
import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';
import { publishAndAcknowledge, publishSessionEvent } from './replies.js';

/**
 * 0x0003: the terminal deregisters. It is acknowledged like any data message and the session drops
 * back to unauthenticated (the session ends for the platform); the terminal registers again before
 * it sends data.
 */
export async function handleLogout(ctx: GatewayContext, session: Session, inbound: Inbound): Promise<void> {
  await publishAndAcknowledge(ctx, session, inbound);
  if (session.state !== 'authenticated') return;
  // The session ends here; the connection's close later is no longer the terminal's.
  publishSessionEvent(ctx, session, EventKind.Disconnected, { reason: 'logout' });
  ctx.onDeauthenticated(session);
  session.state = 'connected';
}
