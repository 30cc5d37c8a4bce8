import { isJt808Error, type Jt808ErrorReason } from '../src/index.js';

/** The reason of the Jt808Error `run` throws; undefined when it throws nothing, any other error rethrown. */
export function reasonOf(run: () => unknown): Jt808ErrorReason | undefined {
  try {
    run();
  } catch (error) {
    if (isJt808Error(error)) return error.reason;
    throw error;
  }
  return undefined;
}
