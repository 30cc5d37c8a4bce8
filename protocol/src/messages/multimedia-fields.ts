import type { BodyReader } from '../codec/reader.js';
import type { BodyWriter } from '../codec/writer.js';

/**
 * The five fields that describe a multimedia item, shared by the event notice (0x0800) and the data
 * upload (0x0801) that follows it.
 */
export interface MultimediaEvent {
  /** 多媒体数据ID: non-zero id the terminal assigns to the item. */
  mediaId: number;
  /** 多媒体类型: 0 image, 1 audio, 2 video. */
  mediaType: number;
  /** 多媒体格式编码: 0 JPEG, 1 TIF, 2 MP3, 3 WAV, 4 WMV. */
  format: number;
  /**
   * 事件项编码: what triggered the capture: 0 platform command, 1 timed, 2 robbery alarm, 3 collision
   * or rollover alarm; 2013 adds 4 door open, 5 door closed, 6 door open to closed at speed, 7 distance.
   */
  eventCode: number;
  /** 通道ID: camera or microphone channel. */
  channel: number;
}

export function decodeMultimediaEvent(r: BodyReader): MultimediaEvent {
  return {
    mediaId: r.u32('multimedia id'),
    mediaType: r.u8('multimedia type'),
    format: r.u8('multimedia format'),
    eventCode: r.u8('event code'),
    channel: r.u8('channel id'),
  };
}

export function encodeMultimediaEvent(w: BodyWriter, body: MultimediaEvent): void {
  w.u32(body.mediaId, 'multimedia id')
    .u8(body.mediaType, 'multimedia type')
    .u8(body.format, 'multimedia format')
    .u8(body.eventCode, 'event code')
    .u8(body.channel, 'channel id');
}
