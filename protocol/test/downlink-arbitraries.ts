import fc from 'fast-check';
import {
  type BodyOf,
  type Edition,
  type Parameter,
  type ParameterType,
  RegistrationResult,
  TERMINAL_PARAMETERS,
} from '../src/index.js';
import { byteArb, bytesArb, dwordArb, gbkTextArb, wordArb } from './arbitraries.js';

/**
 * fast-check arbitraries for the downlink messages and terminal parameters. Like arbitraries.ts,
 * they only produce values the codec reads back unchanged: e.g. a parameter's Uint8Array value is
 * generated only where decoding also yields bytes (unknown ids, BYTE[n] ids, integer ids with an
 * odd length), and optional text that an empty string would turn into "absent" is never empty.
 */

const INTEGER_ARBS: Partial<Record<ParameterType, fc.Arbitrary<number>>> = {
  BYTE: byteArb,
  WORD: wordArb,
  DWORD: dwordArb,
};
const INTEGER_BYTES: Partial<Record<ParameterType, number>> = { BYTE: 1, WORD: 2, DWORD: 4 };

const table = [...TERMINAL_PARAMETERS];
const idsOf = (...types: ParameterType[]) => table.filter(([, info]) => types.includes(info.type));
const integerEntries = idsOf('BYTE', 'WORD', 'DWORD');

const integerParameterArb: fc.Arbitrary<Parameter> = fc
  .constantFrom(...integerEntries)
  .chain(([id, info]) => INTEGER_ARBS[info.type]!.map((value) => ({ id, value })));

const stringParameterArb: fc.Arbitrary<Parameter> = fc.record({
  id: fc.constantFrom(...idsOf('STRING').map(([id]) => id)),
  value: gbkTextArb(40),
});

const rawIdArb = fc.oneof(
  dwordArb.filter((id) => !TERMINAL_PARAMETERS.has(id)),
  fc.integer({ min: 0xf000, max: 0xffff }), // user-defined range (用户自定义)
  fc.constantFrom(...idsOf('BYTES').map(([id]) => id)),
);
const rawParameterArb: fc.Arbitrary<Parameter> = fc.record({ id: rawIdArb, value: bytesArb(16) });

/** A known integer id whose value has the wrong length: kept as bytes. */
const misfitParameterArb: fc.Arbitrary<Parameter> = fc.constantFrom(...integerEntries).chain(([id, info]) =>
  bytesArb(6)
    .filter((bytes) => bytes.length !== INTEGER_BYTES[info.type])
    .map((value) => ({ id, value })),
);

export const parameterArb: fc.Arbitrary<Parameter> = fc.oneof(
  integerParameterArb,
  stringParameterArb,
  rawParameterArb,
  misfitParameterArb,
);

/** Few enough parameters that the body stays under the 1023-byte limit of an unsplit frame. */
const parameterListArb = fc.array(parameterArb, { maxLength: 10 });

const nonEmptyTextArb = (maxBytes: number) => gbkTextArb(maxBytes).filter((text) => text.length > 0);

const registrationResponseArb: fc.Arbitrary<BodyOf<'registrationResponse'>> = fc.oneof(
  fc.record({
    replySerial: wordArb,
    result: fc.constant(RegistrationResult.Success),
    authCode: gbkTextArb(60),
  }),
  fc.record({ replySerial: wordArb, result: fc.integer({ min: 1, max: 0xff }) }),
);

export type DownlinkName =
  | 'parametersResponse'
  | 'setParameters'
  | 'queryParameters'
  | 'terminalControl'
  | 'querySpecificParameters'
  | 'queryAttributes'
  | 'locationQuery'
  | 'temporaryTracking'
  | 'resendRequest'
  | 'registrationResponse'
  | 'textMessage'
  | 'multimediaUploadResponse';

/** An arbitrary body for each message of this file's scope, as `edition` lays it out. */
export function downlinkBodyArbs(edition: Edition): { [N in DownlinkName]: fc.Arbitrary<BodyOf<N>> } {
  const is2019 = edition === '2019';
  return {
    parametersResponse: fc.record({ replySerial: wordArb, parameters: parameterListArb }),
    setParameters: fc.record({ parameters: parameterListArb }),
    queryParameters: fc.constant({}),
    terminalControl: fc.record(
      { command: byteArb, parameters: nonEmptyTextArb(100) },
      { requiredKeys: ['command'] },
    ),
    querySpecificParameters: fc.record({ ids: fc.array(dwordArb, { maxLength: 100 }) }),
    queryAttributes: fc.constant({}),
    locationQuery: fc.constant({}),
    temporaryTracking: fc.record({ interval: wordArb, validity: dwordArb }),
    resendRequest: fc.record({
      originalSerial: wordArb,
      // 2019's WORD count lets the list pass 255.
      packetIds: fc.array(wordArb, { maxLength: is2019 ? 300 : 255 }),
    }),
    registrationResponse: registrationResponseArb,
    textMessage: is2019
      ? fc.record({ flags: byteArb, textType: byteArb, text: gbkTextArb(300) })
      : fc.record({ flags: byteArb, text: gbkTextArb(300) }),
    multimediaUploadResponse: fc.record({
      mediaId: dwordArb,
      retransmitIds: fc.array(wordArb, { maxLength: 255 }),
    }),
  };
}
