import { EventKind, type TerminalEvent } from '@jt808/bus';
import { type Header, PlatformResult } from '@jt808/protocol';
import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';

/** Answers a terminal message with 0x8001. */
export function acknowledge(session: Session, header: Header, result: number = PlatformResult.Success): void {
  session.send({
    name: 'platformGeneralResponse',
    body: { replySerial: header.serial, replyId: header.messageId, result },
  });
}

/**
 * Puts a terminal message on the bus and resolves when it is durable there. On failure the caller
 * must not acknowledge: the terminal then sends it again.
 */
export async function publishMessage(ctx: GatewayContext, session: Session, inbound: Inbound): Promise<void> {
  const { header } = inbound.message;
  const event: TerminalEvent = {
    kind: EventKind.Message,
    phone: header.phone,
    gatewayId: ctx.gatewayId,
    sessionId: session.id,
    atMs: Date.now(),
    messageId: header.messageId,
    serial: header.serial,
    edition: header.edition,
    protocolVersion: header.protocolVersion,
    body: inbound.body,
  };
  // performance.now() rather than startTimer(): no closure and hrtime pair per frame.
  const started = performance.now();
  try {
    await ctx.bus.events.publish(event);
  } catch (error) {
    ctx.metrics.busFailures.inc();
    throw error;
  } finally {
    ctx.metrics.busPublish.observe((performance.now() - started) / 1000);
  }
}

/**
 * Session lifecycle events, only of a connection that authenticated as its phone: before that the
 * phone is only a claim, and its events would count as the terminal's activity. Their loss is
 * logged, not fatal (the next frame tells the same story).
 */
export function publishSessionEvent(
  ctx: GatewayContext,
  session: Session,
  kind: EventKind,
  extra: Partial<TerminalEvent> = {},
): void {
  if (session.state !== 'authenticated' || session.phone === undefined) return;
  publishQuietly(ctx, session, { kind, phone: session.phone, ...extra });
}

/**
 * What became of a message that needs no authentication (a registration), reported for the phone
 * its header names, with the body as received. Not a session event: nothing counts it as activity.
 */
export function publishReport(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
  kind: EventKind,
  extra: Partial<TerminalEvent>,
): void {
  const { header } = inbound.message;
  publishQuietly(ctx, session, {
    kind,
    phone: header.phone,
    messageId: header.messageId,
    serial: header.serial,
    edition: header.edition,
    body: inbound.body,
    ...extra,
  });
}

function publishQuietly(
  ctx: GatewayContext,
  session: Session,
  event: Pick<TerminalEvent, 'kind' | 'phone'> & Partial<TerminalEvent>,
): void {
  ctx.bus.events
    .publish({ gatewayId: ctx.gatewayId, sessionId: session.id, atMs: Date.now(), ...event })
    .catch((error: unknown) => ctx.log.warn({ err: error, session: session.id }, 'event not published'));
}

/**
 * publishMessage for a handler whose answer depends on it: `answer(true)` once the message is
 * durable on the bus; on a bus failure the refusal is logged (sampled) as `refused` and
 * `answer(false)` answers (or stays silent) so that the terminal sends it again. A callback rather
 * than a returned boolean: one await per message on the location path, not two.
 */
export async function publishThenAnswer(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
  refused: string,
  answer: (taken: boolean) => void,
): Promise<void> {
  try {
    await publishMessage(ctx, session, inbound);
  } catch (error) {
    ctx.logSampled('bus-publish', { err: error, session: session.id }, refused);
    answer(false);
    return;
  }
  answer(true);
}

/** Publishes, then acknowledges; a bus failure is answered with 0x8001 failure so the terminal retries. */
export function publishAndAcknowledge(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
): Promise<void> {
  const { header } = inbound.message;
  return publishThenAnswer(
    ctx,
    session,
    inbound,
    'bus did not take the event; terminal not acknowledged',
    (taken) => acknowledge(session, header, taken ? PlatformResult.Success : PlatformResult.Failure),
  );
}
