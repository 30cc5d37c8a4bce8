import type { BodyOf } from '@jt808/protocol';
import type { GatewayContext, Inbound } from '../context.js';
import type { Session } from '../session/session.js';
import { publishThenAnswer } from './replies.js';

/**
 * 0x0801 (reassembled from its packets): answered with 0x8800 listing no missing packets once the
 * media is on the bus. Missing packets are asked for by the session's resend sweep before this.
 */
export async function handleMultimediaUpload(
  ctx: GatewayContext,
  session: Session,
  inbound: Inbound,
  upload: BodyOf<'multimediaUpload'>,
): Promise<void> {
  await publishThenAnswer(ctx, session, inbound, 'bus did not take the media; not acknowledged', (taken) => {
    if (taken)
      session.send({
        name: 'multimediaUploadResponse',
        body: { mediaId: upload.mediaId, retransmitIds: [] },
      });
  });
}
