import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';
import { publishMessage } from './replies.js';

/**
 * 0x0001, 0x0104, 0x0107, 0x0201: a terminal answering a platform command. Not acknowledged (the
 * standard answers answers with nothing); handed to the command tracker and put on the bus.
 */
export async function handleCommandAnswer(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
): Promise<void> {
  ctx.commands.answered(session, inbound);
  await publishMessage(ctx, session, inbound).catch((error: unknown) => {
    ctx.logSampled('bus-publish', { err: error, session: session.id }, 'command answer not published');
  });
}
