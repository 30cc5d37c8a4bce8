import { type Parameter, readParameterList, writeParameterList } from '../params/parameter-list.js';
import type { MessageCodec } from './message-codec.js';

/** Body of 0x8103. */
export interface SetParameters {
  /** 参数项列表 (preceded on the wire by 参数总数, BYTE). */
  parameters: Parameter[];
}

/** 0x8103 设置终端参数; the terminal answers with 0x0001. */
export const setParameters: MessageCodec<'setParameters', SetParameters> = {
  id: 0x8103,
  name: 'setParameters',
  direction: 'downlink',
  decode: (r) => ({ parameters: readParameterList(r) }),
  encode: (w, body) => writeParameterList(w, body.parameters),
};
