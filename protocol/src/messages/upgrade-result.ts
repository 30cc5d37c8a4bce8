import type { MessageCodec } from './message-codec.js';

/** 0x0108 终端升级结果通知 body. */
export interface UpgradeResult {
  /** 升级类型: 0 terminal, 12 road transport certificate IC card reader, 52 GNSS module. */
  upgradeType: number;
  /** 升级结果: 0 success, 1 failure, 2 cancelled. */
  result: number;
}

/** 0x0108 终端升级结果通知: sent after the terminal restarts from an 0x8108 upgrade package. */
export const upgradeResult: MessageCodec<'upgradeResult', UpgradeResult> = {
  id: 0x0108,
  name: 'upgradeResult',
  direction: 'uplink',
  decode: (r) => ({ upgradeType: r.u8('upgrade type'), result: r.u8('upgrade result') }),
  encode(w, body) {
    w.u8(body.upgradeType, 'upgrade type').u8(body.result, 'upgrade result');
  },
};
