import type { Unparsed } from '../codec/unparsed.js';
import { type Parameter, readIntactParameters, writeParameterList } from '../params/parameter-list.js';
import type { MessageCodec } from './message-codec.js';

/** Body of 0x0104: the terminal's parameters, answering 0x8104 (all) or 0x8106 (the ones asked for). */
export interface ParametersResponse {
  /** 应答流水号: serial of the 0x8104/0x8106 being answered. */
  replySerial: number;
  /** 参数项列表 (preceded on the wire by 应答参数个数, BYTE). */
  parameters: Parameter[];
  /** The list from the first item that is not whole (fewer items than counted, one cut short). */
  unparsed?: Unparsed;
}

/** 0x0104 查询终端参数应答. */
export const parametersResponse: MessageCodec<'parametersResponse', ParametersResponse> = {
  id: 0x0104,
  name: 'parametersResponse',
  direction: 'uplink',
  decode: (r) => {
    const replySerial = r.u16('reply serial');
    return { replySerial, ...readIntactParameters(r) };
  },
  encode: (w, body) => {
    w.u16(body.replySerial, 'reply serial');
    writeParameterList(w, body.parameters);
  },
};
