/**
 * Why a terminal that is online counts as faulty. Each reason is a named rule: the condition is
 * observed from what the terminal sends, and the terminal is faulty once the condition has held for
 * the rule's `afterSeconds` (so one odd fix does not open a ticket).
 */
export const FAULT_REASONS = [
  'gnss-module-fault',
  'gnss-antenna-open',
  'gnss-antenna-short',
  'power-undervoltage',
  'power-cut',
  'display-fault',
  'tts-fault',
  'camera-fault',
  'ic-card-fault',
  'vss-fault',
  'no-fix',
  'frozen-position',
  'drift',
  'clock-skew',
  'heartbeat-only',
  'no-signal',
] as const;

export type FaultReason = (typeof FAULT_REASONS)[number];

export const REASON_INDEX: Readonly<Record<FaultReason, number>> = Object.fromEntries(
  FAULT_REASONS.map((reason, index) => [reason, index]),
) as Record<FaultReason, number>;

/** Reasons read straight from an alarm bit of the location report (JT/T 808 table 24/25). */
export const ALARM_BIT_REASONS: readonly { bit: number; reason: FaultReason }[] = [
  { bit: 4, reason: 'gnss-module-fault' },
  { bit: 5, reason: 'gnss-antenna-open' },
  { bit: 6, reason: 'gnss-antenna-short' },
  { bit: 7, reason: 'power-undervoltage' },
  { bit: 8, reason: 'power-cut' },
  { bit: 9, reason: 'display-fault' },
  { bit: 10, reason: 'tts-fault' },
  { bit: 11, reason: 'camera-fault' },
  { bit: 12, reason: 'ic-card-fault' },
  { bit: 24, reason: 'vss-fault' },
];

export const REASON_ZH: Readonly<Record<FaultReason, string>> = {
  'gnss-module-fault': 'GNSS 模块故障',
  'gnss-antenna-open': 'GNSS 天线未接或被剪断',
  'gnss-antenna-short': 'GNSS 天线短路',
  'power-undervoltage': '主电源欠压',
  'power-cut': '主电源掉电',
  'display-fault': 'LCD/显示器故障',
  'tts-fault': 'TTS 模块故障',
  'camera-fault': '摄像头故障',
  'ic-card-fault': 'IC 卡模块故障',
  'vss-fault': 'VSS 故障',
  'no-fix': 'ACC 开时长时间不定位',
  'frozen-position': '位置冻结(有速度无位移)',
  drift: '位置漂移',
  'clock-skew': '终端时钟偏差',
  'heartbeat-only': '只有心跳没有定位',
  'no-signal': '无卫星或无信号',
};
