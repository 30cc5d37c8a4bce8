/**
 * Named bits of the location report's alarm word (JT/T 808-2013 table 24, 2019 table 25) and status
 * word (2013 table 25, 2019 table 24). Where the editions disagree the name covers both and `zh`
 * says which edition means what.
 */
export interface FlagBit {
  bit: number;
  name: string;
  zh: string;
}

export const ALARM_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'emergency', zh: '紧急报警' },
  { bit: 1, name: 'overspeed', zh: '超速报警' },
  { bit: 2, name: 'fatigueDriving', zh: '疲劳驾驶报警' },
  { bit: 3, name: 'dangerWarning', zh: '危险预警(2013) / 危险驾驶行为报警(2019)' },
  { bit: 4, name: 'gnssModuleFault', zh: 'GNSS 模块发生故障' },
  { bit: 5, name: 'gnssAntennaOpen', zh: 'GNSS 天线未接或被剪断' },
  { bit: 6, name: 'gnssAntennaShort', zh: 'GNSS 天线短路' },
  { bit: 7, name: 'mainPowerUndervoltage', zh: '终端主电源欠压' },
  { bit: 8, name: 'mainPowerCut', zh: '终端主电源掉电' },
  { bit: 9, name: 'displayFault', zh: '终端 LCD 或显示器故障' },
  { bit: 10, name: 'ttsFault', zh: 'TTS 模块故障' },
  { bit: 11, name: 'cameraFault', zh: '摄像头故障' },
  { bit: 12, name: 'icCardModuleFault', zh: '道路运输证 IC 卡模块故障' },
  { bit: 13, name: 'overspeedWarning', zh: '超速预警' },
  { bit: 14, name: 'fatigueDrivingWarning', zh: '疲劳驾驶预警' },
  { bit: 15, name: 'drivingViolation', zh: '违规行驶报警(2019)' },
  { bit: 16, name: 'tirePressureWarning', zh: '胎压预警(2019)' },
  { bit: 17, name: 'rightTurnBlindSpot', zh: '右转盲区异常报警(2019)' },
  { bit: 18, name: 'dailyDrivingOvertime', zh: '当天累计驾驶超时' },
  { bit: 19, name: 'parkingOvertime', zh: '超时停车' },
  { bit: 20, name: 'areaInOut', zh: '进出区域' },
  { bit: 21, name: 'routeInOut', zh: '进出路线' },
  { bit: 22, name: 'routeDrivingTime', zh: '路段行驶时间不足/过长' },
  { bit: 23, name: 'routeDeviation', zh: '路线偏离报警' },
  { bit: 24, name: 'vssFault', zh: '车辆 VSS 故障' },
  { bit: 25, name: 'fuelAbnormal', zh: '车辆油量异常' },
  { bit: 26, name: 'theft', zh: '车辆被盗(通过车辆防盗器)' },
  { bit: 27, name: 'illegalIgnition', zh: '车辆非法点火' },
  { bit: 28, name: 'illegalDisplacement', zh: '车辆非法位移' },
  { bit: 29, name: 'collision', zh: '碰撞预警(2013) / 碰撞侧翻报警(2019)' },
  { bit: 30, name: 'rollover', zh: '侧翻预警' },
  { bit: 31, name: 'illegalDoorOpen', zh: '非法开门报警(2013; 2019 保留)' },
];

export const STATUS_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'accOn', zh: 'ACC 开' },
  { bit: 1, name: 'positioned', zh: '已定位' },
  { bit: 2, name: 'south', zh: '南纬' },
  { bit: 3, name: 'west', zh: '西经' },
  { bit: 4, name: 'outOfService', zh: '停运状态' },
  { bit: 5, name: 'coordinatesEncrypted', zh: '经纬度已经保密插件加密' },
  { bit: 6, name: 'forwardCollisionWarning', zh: '紧急刹车系统采集的前撞预警(2019)' },
  { bit: 7, name: 'laneDepartureWarning', zh: '车道偏移预警(2019)' },
  { bit: 8, name: 'loadBit0', zh: '载货状态低位: 01 半载, 11 满载' },
  { bit: 9, name: 'loadBit1', zh: '载货状态高位: 10 保留, 11 满载' },
  { bit: 10, name: 'oilCut', zh: '车辆油路断开' },
  { bit: 11, name: 'circuitCut', zh: '车辆电路断开' },
  { bit: 12, name: 'doorLocked', zh: '车门加锁' },
  { bit: 13, name: 'door1Open', zh: '门 1 开(前门)' },
  { bit: 14, name: 'door2Open', zh: '门 2 开(中门)' },
  { bit: 15, name: 'door3Open', zh: '门 3 开(后门)' },
  { bit: 16, name: 'door4Open', zh: '门 4 开(驾驶席门)' },
  { bit: 17, name: 'door5Open', zh: '门 5 开(自定义)' },
  { bit: 18, name: 'gps', zh: '使用 GPS 卫星定位' },
  { bit: 19, name: 'beidou', zh: '使用北斗卫星定位' },
  { bit: 20, name: 'glonass', zh: '使用 GLONASS 卫星定位' },
  { bit: 21, name: 'galileo', zh: '使用 Galileo 卫星定位' },
  { bit: 22, name: 'driving', zh: '车辆处于行驶状态(2019)' },
];

export const STATUS_SOUTH = 1 << 2;
export const STATUS_WEST = 1 << 3;

export type LoadState = 'empty' | 'half' | 'reserved' | 'full';
const LOAD_STATES: readonly LoadState[] = ['empty', 'half', 'reserved', 'full'];

/** Names of the bits set in `word`, in bit order; unnamed set bits appear as `bitN`. */
export function namedBits(word: number, table: readonly FlagBit[]): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (((word >>> bit) & 1) === 0) continue;
    names.push(table[bit]?.name ?? `bit${bit}`);
  }
  return names;
}

export function alarmFlags(alarm: number): string[] {
  return namedBits(alarm, ALARM_BITS);
}

/** Status bits as names; the two load bits are folded into `load` instead. */
export function statusFlags(status: number): string[] {
  return namedBits(status & ~0x300, STATUS_BITS);
}

export function loadState(status: number): LoadState {
  return LOAD_STATES[(status >>> 8) & 0x3]!;
}
