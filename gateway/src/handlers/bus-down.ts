import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';
import { acknowledge } from './replies.js';

/**
 * A message that arrives while the bus is down, answered or dropped here instead of being queued:
 * nothing can become durable, and what a worker read would wait in memory for as long as the outage
 * lasts. The heartbeat of an authenticated session is answered with success, so the terminal keeps
 * its connection; its liveness event is not published. Everything else (locations, batches, events,
 * sign-ins, the unauthenticated) is dropped unanswered and counted: a terminal keeps an
 * unacknowledged fix as blind-area data and uploads it (0x0704) once it is answered again, and
 * re-sends an unanswered sign-in.
 */
export function answerWhileBusDown(ctx: GatewayContext, session: Session, inbound: Inbound): void {
  const { message } = inbound;
  if (
    message.name === 'heartbeat' &&
    session.state === 'authenticated' &&
    message.header.phone === session.phone
  ) {
    ctx.metrics.busDownHeartbeats.inc();
    acknowledge(session, message.header);
    return;
  }
  ctx.metrics.busDownUnanswered.inc({ message: message.name });
  ctx.logSampled(
    'bus-down',
    { session: session.id, phone: message.header.phone, message: message.name },
    'bus down: message dropped unacknowledged (the terminal keeps it and sends it again)',
  );
}
