import websocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { LiveClient, LiveFeed } from '../live/live-feed.js';
import { encodeSnapshot, loadSnapshotVehicles } from '../live/snapshot.js';
import { scopeOf } from '../scope.js';

/**
 * GET /api/live (WebSocket). Client → server JSON: {"snapshot": true} asks for a binary
 * FleetSnapshot (schema/live.proto) of every vehicle the user may see; {"bbox": [minLon, minLat,
 * maxLon, maxLat]} (or null) sets the map viewport. Server → client: JSON arrays of deltas
 * (position and status changes) within the user's scope and viewport, and the binary snapshot.
 */
export const liveRoutes: FastifyPluginAsync<{ pool: pg.Pool; feed: LiveFeed }> = async (
  app,
  { pool, feed },
) => {
  await app.register(websocket, { options: { maxPayload: 4096 } });
  const sockets = new Set<{ terminate(): void }>();
  // Closing the API closes its live connections first (the server would otherwise wait for them).
  app.addHook('preClose', async () => {
    for (const socket of sockets) socket.terminate();
  });
  app.get('/api/live', { websocket: true }, async (socket, request) => {
    const user = request.user;
    const client: LiveClient = {
      user,
      send: (deltas) => {
        // A client that does not keep up loses deltas rather than growing our memory.
        if (socket.bufferedAmount < 4 * 1024 * 1024) socket.send(JSON.stringify(deltas));
      },
    };
    if (user.role === 'service') {
      const { rows } = await pool.query<{ vehicle_id: string }>(
        'SELECT DISTINCT vehicle_id FROM tickets WHERE service_point_id = $1 AND vehicle_id IS NOT NULL',
        [user.servicePointId],
      );
      client.vehicles = new Set(rows.map((r) => Number(r.vehicle_id)));
    }
    feed.add(client);
    sockets.add(socket);
    socket.on('close', () => {
      feed.remove(client);
      sockets.delete(socket);
    });
    socket.on('message', async (data: Buffer) => {
      let message: { snapshot?: boolean; bbox?: [number, number, number, number] | null };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        socket.send(JSON.stringify({ error: 'messages are JSON' }));
        return;
      }
      if ('bbox' in message) {
        const box = message.bbox;
        client.bbox =
          Array.isArray(box) && box.length === 4 && box.every((n) => typeof n === 'number') ? box : undefined;
      }
      if (message.snapshot === true) {
        const vehicles = await loadSnapshotVehicles(pool, scopeOf(user, 1));
        socket.send(encodeSnapshot(vehicles, Date.now()));
      }
    });
  });
};
