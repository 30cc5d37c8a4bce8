import type { MessageCodec } from './message-codec.js';

/** Body of 0x8300. */
export interface TextMessage {
  /**
   * 标志 (BYTE), bits of `TextFlag`: bit0 emergency, bit2 show on the terminal's display, bit3 read
   * aloud by TTS, bit4 advertising screen (2013; reserved in 2019), bit5 0 centre navigation
   * information / 1 CAN fault code information.
   */
  flags: number;
  /** 文本类型 (BYTE, 2019 only): 1 notice, 2 service (`TextType`). Not sent to 2011/2013 terminals. */
  textType?: number;
  /** 文本信息 (GBK, rest of the body; the standard allows at most 1024 bytes). */
  text: string;
}

/**
 * 0x8300 文本信息下发. 2019 inserts the text type byte after the flags. Encoding for 2011/2013
 * drops `textType` rather than failing, so one body can be sent to terminals of every edition;
 * encoding for 2019 writes `textType ?? 1` (notice).
 */
export const textMessage: MessageCodec<'textMessage', TextMessage> = {
  id: 0x8300,
  name: 'textMessage',
  direction: 'downlink',
  decode: (r, header) => {
    const flags = r.u8('flags');
    if (header.edition !== '2019') return { flags, text: r.restString() };
    const textType = r.u8('text type');
    return { flags, textType, text: r.restString() };
  },
  encode: (w, body, edition) => {
    w.u8(body.flags, 'flags');
    if (edition === '2019') w.u8(body.textType ?? TextType.Notice, 'text type');
    w.string(body.text);
  },
};

/** Bits of the 0x8300 标志 byte. */
export const TextFlag = {
  Emergency: 0x01,
  TerminalDisplay: 0x04,
  Tts: 0x08,
  AdvertisingScreen: 0x10,
  CanFaultCode: 0x20,
} as const;

/** 文本类型 values of 0x8300 (2019). */
export const TextType = { Notice: 1, Service: 2 } as const;
