import { encodeSubPackages } from '@jt808/protocol';
import { type Harness, metricValue, startHarness } from '@jt808/test-support/gateway-harness';
import { location, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';

let harness: Harness;
afterEach(async () => harness?.close());

/** A 0x0704 of `items` fixes split into packets of at most 200 body bytes. */
function batchPackets(phone: string, serial: number, items: number): Buffer[] {
  return encodeSubPackages(
    {
      name: 'locationBatch',
      header: { phone, serial, edition: '2013' },
      body: { type: 1, items: Array.from({ length: items }, () => location()) },
    },
    200,
  );
}

describe('sub-packaged messages', () => {
  it('are reassembled for an authenticated terminal, put on the bus whole and acknowledged once', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000021');
    await signIn(terminal, 'T000021', '豫A00021');
    const packets = batchPackets('013800000021', 100, 8);
    expect(packets.length).toBeGreaterThan(1);
    const answer = terminal.waitFor(
      (m) => m.name === 'platformGeneralResponse' && m.body.replySerial === 100,
    );
    for (const packet of packets) terminal.write(packet);
    expect((await answer).body).toMatchObject({ replyId: 0x0704, result: 0 });
    await until(() => harness.committed.some((d) => d.event.messageId === 0x0704));
  });

  it('are refused from a connection that has not authenticated, and nothing is kept of them', async () => {
    harness = await startHarness();
    const peer = harness.terminal('013800000022');
    await peer.connect();
    const packets = batchPackets('013800000022', 200, 8);
    const refusals = packets.map((_, i) =>
      peer.waitFor((m) => m.name === 'platformGeneralResponse' && m.body.replySerial === 200 + i),
    );
    for (const packet of packets) peer.write(packet);
    for (const refusal of refusals) expect((await refusal).body).toMatchObject({ result: 1 });
    expect(await metricValue(harness.metrics, 'jt808_unauthenticated_messages_total')).toBe(packets.length);
    expect(harness.gateway.reassembly.usedBytes).toBe(0);
    expect(harness.committed).toEqual([]);
  });

  it("stay within the worker's budget: a packet past it is dropped and counted, and what fits still completes", async () => {
    harness = await startHarness({ config: { reassemblyBudgetBytes: 1200 } });
    const big = harness.terminal('013800000023');
    await signIn(big, 'T000023', '豫A00023');
    // Packets of 200 bytes and 64 bytes of bookkeeping per expected packet: the first few fit.
    for (const packet of batchPackets('013800000023', 300, 20)) big.write(packet);
    await until(
      async () => (await metricValue(harness.metrics, 'jt808_reassembly_budget_refusals_total')) > 0,
    );
    expect(harness.gateway.reassembly.usedBytes).toBeLessThanOrEqual(1200);
    // The terminal hangs up: what its partial message held is free again.
    big.destroy();
    await until(() => harness.gateway.reassembly.usedBytes === 0);
    const small = harness.terminal('013800000024');
    await signIn(small, 'T000024', '豫A00024');
    const answer = small.waitFor((m) => m.name === 'platformGeneralResponse' && m.body.replySerial === 400);
    for (const packet of batchPackets('013800000024', 400, 3)) small.write(packet);
    expect((await answer).body).toMatchObject({ replyId: 0x0704, result: 0 });
    expect(harness.gateway.reassembly.usedBytes).toBe(0);
  });
});
