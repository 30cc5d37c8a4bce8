import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';
import { publishAndAcknowledge } from './replies.js';

/**
 * 0x0003: the terminal deregisters. It is acknowledged like any data message and the session drops
 * back to unauthenticated; the terminal registers again before it sends data.
 */
export async function handleLogout(ctx: GatewayContext, session: Session, inbound: Inbound): Promise<void> {
  await publishAndAcknowledge(ctx, session, inbound);
  if (session.state === 'authenticated') ctx.onDeauthenticated(session);
  session.state = 'connected';
}
