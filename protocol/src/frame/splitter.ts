import { Jt808Error } from '../errors.js';
import { FLAG } from './escape.js';

export interface FrameSplitterOptions {
  /**
   * Largest escaped frame accepted, flags excluded. A full 1023-byte body with a 2019 sub-package
   * header is 1,045 bytes unescaped and at most twice that escaped.
   */
  maxFrameBytes?: number;
  /**
   * Called with each escaped frame, flags stripped. The view is only valid during the call. An
   * exception thrown here leaves push() and drops the rest of that chunk, so catch decode errors here.
   */
  onFrame: (escaped: Uint8Array) => void;
  /** Called for oversize frames; the splitter resynchronises on the next flag by itself. */
  onError?: (error: Jt808Error) => void;
}

export const DEFAULT_MAX_FRAME_BYTES = 2 * 1045;

/**
 * Streaming 0x7e splitter for a TCP byte stream. Every flag is a boundary and the bytes between two
 * flags are a candidate frame; empty candidates (back-to-back flags) are skipped. That rule also
 * survives lost flags: a frame whose start flag was lost is still delimited by the previous
 * frame's end flag, and bytes before the first flag of a stream are discarded as noise.
 *
 * Frames wholly inside one chunk are handed out as views of the chunk (no copy); only a frame cut
 * by a chunk boundary is copied into the pending buffer, which never grows past maxFrameBytes.
 * That buffer exists only while such a frame is pending: a gateway keeps a splitter per
 * connection, and an idle terminal's connection holding 2 KB for a frame it is not sending was a
 * fifth of what a session cost (bench/RESULTS.md, "The whole province on one box").
 */
export class FrameSplitter {
  private readonly maxFrameBytes: number;
  private readonly onFrame: (escaped: Uint8Array) => void;
  private readonly onError: (error: Jt808Error) => void;
  /** Allocated for a frame cut by a chunk boundary, dropped once that frame is complete. */
  private pending: Uint8Array | undefined;
  private pendingLength = 0;
  /** A flag has been seen, so the bytes that follow belong to a frame. */
  private synced = false;
  /** The current frame went over the limit; drop bytes until the next flag. */
  private discarding = false;

  constructor(options: FrameSplitterOptions) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.onFrame = options.onFrame;
    this.onError = options.onError ?? (() => {});
  }

  /** Bytes of an unfinished frame held between chunks. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    const length = chunk.length;
    if (!this.synced) {
      const first = chunk.indexOf(FLAG);
      if (first === -1) return;
      this.synced = true;
      pos = first + 1;
    }
    while (pos < length) {
      const flag = chunk.indexOf(FLAG, pos);
      if (flag === -1) {
        this.keep(chunk, pos, length);
        return;
      }
      if (this.pendingLength > 0 || this.discarding) {
        this.keep(chunk, pos, flag);
        this.finishPending();
      } else if (flag > pos) {
        if (flag - pos > this.maxFrameBytes) this.oversize(chunk.subarray(pos, flag));
        else this.onFrame(chunk.subarray(pos, flag));
      }
      pos = flag + 1;
    }
  }

  /** Forgets any partial frame, as after a reconnect. */
  reset(): void {
    this.pending = undefined;
    this.pendingLength = 0;
    this.synced = false;
    this.discarding = false;
  }

  private keep(chunk: Uint8Array, start: number, end: number): void {
    if (this.discarding) return;
    const n = end - start;
    if (this.pendingLength + n > this.maxFrameBytes) {
      this.oversize(
        this.pending !== undefined && this.pendingLength > 0
          ? this.pending.subarray(0, this.pendingLength)
          : chunk.subarray(start, end),
      );
      this.pending = undefined;
      this.pendingLength = 0;
      this.discarding = true;
      return;
    }
    if (n === 0) return;
    this.pending ??= new Uint8Array(this.maxFrameBytes);
    this.pending.set(chunk.subarray(start, end), this.pendingLength);
    this.pendingLength += n;
  }

  private finishPending(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    const frame = this.pending!.subarray(0, this.pendingLength);
    this.pending = undefined;
    this.pendingLength = 0;
    this.onFrame(frame);
  }

  private oversize(head: Uint8Array): void {
    this.onError(new Jt808Error('oversize', `frame exceeds ${this.maxFrameBytes} bytes`, head));
  }
}
