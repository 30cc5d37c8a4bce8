import { PlatformResult } from '@jt808/protocol';
import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';
import { handleAuthentication } from './authentication.js';
import { handleCommandAnswer } from './command-answer.js';
import { handleLogout } from './logout.js';
import { handleMultimediaUpload } from './multimedia-upload.js';
import { handleRegistration } from './registration.js';
import { acknowledge, publishAndAcknowledge } from './replies.js';

/**
 * Routes one inbound message. Registration and authentication are open to any connection; all
 * else, sub-packages included, needs an authenticated session of the same phone, otherwise it is
 * refused with 0x8001 failure and not ingested.
 */
export async function dispatch(ctx: GatewayContext, session: Session, inbound: Inbound): Promise<void> {
  const { message } = inbound;
  if (message.name === 'registration') {
    // Over its address's rate: not answered at all. A terminal re-sends an unanswered 0x0100 after
    // its own growing timeout, where results 1-4 would be taken as final by some (docs/gateway.md).
    if (!ctx.addressLimits.allowRegistration(session.remoteIp)) return;
    return handleRegistration(ctx, session, inbound, message.body);
  }
  if (message.name === 'authentication') return handleAuthentication(ctx, session, inbound, message.body);
  if (session.state !== 'authenticated' || message.header.phone !== session.phone) {
    ctx.metrics.unauthenticated.inc();
    ctx.logSampled(
      'unauthenticated',
      { session: session.id, phone: message.header.phone, message: message.name },
      'data from an unauthenticated connection refused',
    );
    acknowledge(session, message.header, PlatformResult.Failure);
    return;
  }
  switch (message.name) {
    case 'fragment': {
      // Reassembled only now, for an authenticated session: nobody else may fill our memory.
      const whole = session.reassemble(message);
      return whole && dispatch(ctx, session, whole);
    }
    case 'logout':
      return handleLogout(ctx, session, inbound);
    case 'multimediaUpload':
      return handleMultimediaUpload(ctx, session, inbound, message.body);
    case 'terminalGeneralResponse':
    case 'parametersResponse':
    case 'attributesResponse':
    case 'locationQueryResponse':
      return handleCommandAnswer(ctx, session, inbound);
    default:
      // Heartbeats, locations, batches, events, pass-through data, upgrade results and ids the
      // codec does not know: kept on the bus, then acknowledged.
      return publishAndAcknowledge(ctx, session, inbound);
  }
}
