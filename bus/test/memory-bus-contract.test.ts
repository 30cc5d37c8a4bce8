import { MemoryBus } from '../src/index.js';
import { busContract } from './bus-contract.js';

busContract('MemoryBus', {
  async open() {
    return new MemoryBus({ retryDelayMs: 10 });
  },
  async deadLettered(bus) {
    return (bus as MemoryBus).events.deadLetters.map(({ delivery, reason }) => ({
      raw: delivery.raw,
      reason,
    }));
  },
});
