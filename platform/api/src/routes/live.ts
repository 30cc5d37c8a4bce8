import websocket from '@fastify/websocket';
import type { LiveError } from '@jt808/api-contract';
import type { FastifyPluginAsync } from 'fastify';
import { ANYONE } from '../guard.js';
import { type ClientMessage, MESSAGE_SHAPE, parseClientMessage } from '../live/client-messages.js';
import type { LiveClient, LiveFeed } from '../live/live-feed.js';
import { encodeSnapshot, snapshotVehicles } from '../live/snapshot.js';
import type { SocketSessions } from '../live/socket-sessions.js';
import type { FleetKeeper } from '../map/fleet-keeper.js';
import { visibleSlots } from '../map/visible.js';
import { hashToken, SESSION_COOKIE } from '../sessions.js';
import { servicePointVehicles } from '../stores/live-store.js';

/** A client this far behind gets no more until it catches up: it does not grow our memory. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/**
 * GET /api/live (WebSocket). Client → server JSON: {"snapshot": true} asks for a binary
 * FleetSnapshot (schema/live.proto) of every vehicle the user may see; {"bbox": [minLon, minLat,
 * maxLon, maxLat]} (or null) sets the map viewport; anything else is answered with an error. Server →
 * client: JSON arrays of deltas (position and status changes) within the user's scope and viewport,
 * and the binary snapshot. The feed closes (code 4401) when its session ends. The JSON messages'
 * shapes, both ways, are the contract's (api-contract/src/live.ts).
 */
export const liveRoutes: FastifyPluginAsync<{
  feed: LiveFeed;
  fleet: FleetKeeper;
  sockets: SocketSessions;
}> = async (app, { feed, fleet, sockets }) => {
  const { pool } = app;
  /** A refused or failed message's answer: the contract's LiveError, as JSON. */
  const errorText = (error: LiveError) => JSON.stringify(error);
  await app.register(websocket, { options: { maxPayload: 4096 } });
  app.get('/live', { websocket: true, config: { roles: ANYONE } }, async (socket, request) => {
    const user = request.user;
    const hasRoom = () => socket.bufferedAmount < MAX_UNSENT_BYTES;
    const client: LiveClient = {
      user,
      send: (_deltas, json) => {
        if (hasRoom()) socket.send(json());
      },
    };
    // The handlers below are attached before anything is awaited: a message that arrives while
    // no 'message' listener is attached is dropped (a client may ask for its snapshot the moment
    // the socket opens). What needs the service point's vehicles waits for them instead.
    const ready =
      user.role === 'service'
        ? servicePointVehicles(pool, user.servicePointId).then((vehicles) => {
            client.vehicles = vehicles;
          })
        : Promise.resolve();
    let closed = false;
    // The signed-in plugin let the upgrade through, so the cookie is there.
    sockets.add(socket, hashToken(request.cookies[SESSION_COOKIE]!));
    socket.on('close', () => {
      closed = true;
      feed.remove(client);
      sockets.remove(socket);
    });

    // One snapshot at a time per socket: asking again while one is on its way gets that one.
    let snapshotting = false;
    const answer = async (message: ClientMessage) => {
      await ready;
      if (message.bbox !== undefined) client.bbox = message.bbox ?? undefined;
      if (message.snapshot !== true || snapshotting) return;
      if (!hasRoom()) {
        socket.send(errorText({ error: 'too much unsent: ask for the snapshot again later' }));
        return;
      }
      snapshotting = true;
      try {
        // From the API's in-memory fleet index: hundreds of operators connecting at once share
        // its one load, then each costs a pass over memory and a query for its scope's ids.
        const index = await fleet.current();
        const vehicles = snapshotVehicles(index, await visibleSlots(pool, index, user));
        socket.send(encodeSnapshot(vehicles, Date.now()));
      } finally {
        snapshotting = false;
      }
    };
    socket.on('message', (data: Buffer) => {
      const message = parseClientMessage(data);
      if (!message) {
        socket.send(errorText({ error: MESSAGE_SHAPE }));
        return;
      }
      // Nothing may escape an event listener: an unhandled rejection would reach the process.
      answer(message).catch((error: unknown) => {
        request.log.error({ err: error }, 'live feed: answering a message failed');
        socket.send(errorText({ error: 'internal error', requestId: request.id }));
      });
    });
    await ready;
    if (!closed) feed.add(client);
  });
};
