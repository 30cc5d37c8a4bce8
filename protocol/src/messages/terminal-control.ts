import type { MessageCodec } from './message-codec.js';

/** Body of 0x8105. */
export interface TerminalControl {
  /** 命令字 (BYTE), one of `TerminalCommand`. */
  command: number;
  /**
   * 命令参数 (GBK, rest of the body), absent for commands 3-7. Semicolon-separated, fields may be
   * empty. Command 1: URL;APN;dial user;dial password;address;TCP port;UDP port;manufacturer id;
   * hardware version;firmware version;connect time limit (min). Command 2: connection control
   * (0 switch to the given server, 1 back to the original);auth code;APN;dial user;dial password;
   * address;TCP port;UDP port;connect time limit (min). An empty string is sent as no parameters and
   * so decodes as absent.
   */
  parameters?: string;
}

/** 0x8105 终端控制; the terminal answers with 0x0001. */
export const terminalControl: MessageCodec<'terminalControl', TerminalControl> = {
  id: 0x8105,
  name: 'terminalControl',
  direction: 'downlink',
  decode: (r) => {
    const command = r.u8('command');
    return r.remaining > 0 ? { command, parameters: r.restString() } : { command };
  },
  encode: (w, body) => {
    w.u8(body.command, 'command');
    if (body.parameters !== undefined) w.string(body.parameters);
  },
};

/** 命令字 values of 0x8105. */
export const TerminalCommand = {
  WirelessUpgrade: 1,
  ConnectToServer: 2,
  PowerOff: 3,
  Reset: 4,
  FactoryReset: 5,
  CloseDataLink: 6,
  CloseAllWireless: 7,
} as const;
