/**
 * How a terminal parameter's value is laid out. DWORD/WORD/BYTE are unsigned big-endian integers,
 * STRING is GBK text filling the item's length, and BYTES marks the few BYTE[n] parameters
 * (0x0032, 0x0110) whose bytes are a small structure of their own: they stay raw.
 */
export type ParameterType = 'DWORD' | 'WORD' | 'BYTE' | 'STRING' | 'BYTES';

export interface ParameterInfo {
  /** camelCase English name, unique in the table. */
  name: string;
  type: ParameterType;
  /** The standard's Chinese description, with value meanings. */
  zh: string;
  /** Unit of a numeric value, when it has one. */
  unit?: string;
}

interface Definition {
  id: number;
  type: ParameterType;
  zh: string;
  unit?: string;
}

/**
 * JT/T 808-2013 table 12 (终端参数项定义及说明), plus the 2019 additions marked "2019". Where 2019
 * changed a meaning without changing the layout (0x0013/0x0017 now carry "host:port;host:port",
 * 0x0018/0x0019 folded into them, 0x0084 coded per JT/T 697.7) the entry says so in `zh`: the table
 * is shared by both editions because the wire layout is the same.
 */
const definitions = {
  heartbeatInterval: { id: 0x0001, type: 'DWORD', zh: '终端心跳发送间隔', unit: 's' },
  tcpReplyTimeout: { id: 0x0002, type: 'DWORD', zh: 'TCP 消息应答超时时间', unit: 's' },
  tcpRetransmissions: { id: 0x0003, type: 'DWORD', zh: 'TCP 消息重传次数' },
  udpReplyTimeout: { id: 0x0004, type: 'DWORD', zh: 'UDP 消息应答超时时间', unit: 's' },
  udpRetransmissions: { id: 0x0005, type: 'DWORD', zh: 'UDP 消息重传次数' },
  smsReplyTimeout: { id: 0x0006, type: 'DWORD', zh: 'SMS 消息应答超时时间', unit: 's' },
  smsRetransmissions: { id: 0x0007, type: 'DWORD', zh: 'SMS 消息重传次数' },
  mainServerApn: {
    id: 0x0010,
    type: 'STRING',
    zh: '主服务器 APN，无线通信拨号访问点（CDMA 时为 PPP 拨号号码）',
  },
  mainServerDialUser: { id: 0x0011, type: 'STRING', zh: '主服务器无线通信拨号用户名' },
  mainServerDialPassword: { id: 0x0012, type: 'STRING', zh: '主服务器无线通信拨号密码' },
  mainServerAddress: {
    id: 0x0013,
    type: 'STRING',
    zh: '主服务器地址，IP 或域名（2019：主机和端口以冒号分隔，多个服务器以分号分隔）',
  },
  backupServerApn: { id: 0x0014, type: 'STRING', zh: '备份服务器 APN，无线通信拨号访问点' },
  backupServerDialUser: { id: 0x0015, type: 'STRING', zh: '备份服务器无线通信拨号用户名' },
  backupServerDialPassword: { id: 0x0016, type: 'STRING', zh: '备份服务器无线通信拨号密码' },
  backupServerAddress: {
    id: 0x0017,
    type: 'STRING',
    zh: '备份服务器地址，IP 或域名（2019：主机和端口以冒号分隔，多个服务器以分号分隔）',
  },
  serverTcpPort: { id: 0x0018, type: 'DWORD', zh: '服务器 TCP 端口（2019 并入 0x0013/0x0017 地址）' },
  serverUdpPort: { id: 0x0019, type: 'DWORD', zh: '服务器 UDP 端口（2019 并入 0x0013/0x0017 地址）' },
  icCardMainServerAddress: {
    id: 0x001a,
    type: 'STRING',
    zh: '道路运输证 IC 卡认证主服务器 IP 地址或域名',
  },
  icCardServerTcpPort: { id: 0x001b, type: 'DWORD', zh: '道路运输证 IC 卡认证主服务器 TCP 端口' },
  icCardServerUdpPort: { id: 0x001c, type: 'DWORD', zh: '道路运输证 IC 卡认证主服务器 UDP 端口' },
  icCardBackupServerAddress: {
    id: 0x001d,
    type: 'STRING',
    zh: '道路运输证 IC 卡认证备份服务器 IP 地址或域名，端口同主服务器',
  },
  locationReportStrategy: {
    id: 0x0020,
    type: 'DWORD',
    zh: '位置汇报策略：0 定时汇报，1 定距汇报，2 定时和定距汇报',
  },
  locationReportScheme: {
    id: 0x0021,
    type: 'DWORD',
    zh: '位置汇报方案：0 根据 ACC 状态，1 根据登录状态和 ACC 状态（先判断登录状态）',
  },
  notLoggedInReportInterval: { id: 0x0022, type: 'DWORD', zh: '驾驶员未登录汇报时间间隔', unit: 's' },
  secondaryServerApn: {
    id: 0x0023,
    type: 'STRING',
    zh: '从服务器 APN（2019）；为空时使用主服务器相同配置',
  },
  secondaryServerDialUser: {
    id: 0x0024,
    type: 'STRING',
    zh: '从服务器无线通信拨号用户名（2019）；为空时使用主服务器相同配置',
  },
  secondaryServerDialPassword: {
    id: 0x0025,
    type: 'STRING',
    zh: '从服务器无线通信拨号密码（2019）；为空时使用主服务器相同配置',
  },
  secondaryServerBackupAddress: {
    id: 0x0026,
    type: 'STRING',
    zh: '从服务器备份地址，IP 或域名（2019）；主机和端口以冒号分隔，多个服务器以分号分隔',
  },
  sleepReportInterval: { id: 0x0027, type: 'DWORD', zh: '休眠时汇报时间间隔', unit: 's' },
  emergencyReportInterval: { id: 0x0028, type: 'DWORD', zh: '紧急报警时汇报时间间隔', unit: 's' },
  defaultReportInterval: { id: 0x0029, type: 'DWORD', zh: '缺省时间汇报间隔', unit: 's' },
  defaultReportDistance: { id: 0x002c, type: 'DWORD', zh: '缺省距离汇报间隔', unit: 'm' },
  notLoggedInReportDistance: { id: 0x002d, type: 'DWORD', zh: '驾驶员未登录汇报距离间隔', unit: 'm' },
  sleepReportDistance: { id: 0x002e, type: 'DWORD', zh: '休眠时汇报距离间隔', unit: 'm' },
  emergencyReportDistance: { id: 0x002f, type: 'DWORD', zh: '紧急报警时汇报距离间隔', unit: 'm' },
  cornerRetransmitAngle: { id: 0x0030, type: 'DWORD', zh: '拐点补传角度，小于 180', unit: '°' },
  geofenceRadius: { id: 0x0031, type: 'WORD', zh: '电子围栏半径（非法位移阈值）', unit: 'm' },
  illegalDrivingPeriod: {
    id: 0x0032,
    type: 'BYTES',
    zh: '违规行驶时段范围（2019）BYTE[4]：开始时、开始分、结束时、结束分',
  },
  platformPhone: { id: 0x0040, type: 'STRING', zh: '监控平台电话号码' },
  resetPhone: { id: 0x0041, type: 'STRING', zh: '复位电话号码' },
  factoryResetPhone: { id: 0x0042, type: 'STRING', zh: '恢复出厂设置电话号码' },
  platformSmsPhone: { id: 0x0043, type: 'STRING', zh: '监控平台 SMS 电话号码' },
  smsAlarmPhone: { id: 0x0044, type: 'STRING', zh: '接收终端 SMS 文本报警号码' },
  callAnswerStrategy: {
    id: 0x0045,
    type: 'DWORD',
    zh: '终端电话接听策略：0 自动接听，1 ACC ON 时自动接听、OFF 时手动接听',
  },
  maxCallDuration: {
    id: 0x0046,
    type: 'DWORD',
    zh: '每次最长通话时间；0 不允许通话，0xFFFFFFFF 不限制',
    unit: 's',
  },
  maxMonthlyCallDuration: {
    id: 0x0047,
    type: 'DWORD',
    zh: '当月最长通话时间；0 不允许通话，0xFFFFFFFF 不限制',
    unit: 's',
  },
  monitorPhone: { id: 0x0048, type: 'STRING', zh: '监听电话号码' },
  privilegedSmsPhone: { id: 0x0049, type: 'STRING', zh: '监管平台特权短信号码' },
  alarmMask: { id: 0x0050, type: 'DWORD', zh: '报警屏蔽字，位与位置信息汇报的报警标志对应' },
  alarmSmsSwitch: { id: 0x0051, type: 'DWORD', zh: '报警发送文本 SMS 开关' },
  alarmPhotoSwitch: { id: 0x0052, type: 'DWORD', zh: '报警拍摄开关' },
  alarmPhotoStoreFlags: { id: 0x0053, type: 'DWORD', zh: '报警拍摄存储标志：1 存储，0 实时上传' },
  keyAlarmFlags: { id: 0x0054, type: 'DWORD', zh: '关键标志：相应位为 1 则该报警为关键报警' },
  maxSpeed: { id: 0x0055, type: 'DWORD', zh: '最高速度', unit: 'km/h' },
  overspeedDuration: { id: 0x0056, type: 'DWORD', zh: '超速持续时间', unit: 's' },
  continuousDrivingLimit: { id: 0x0057, type: 'DWORD', zh: '连续驾驶时间门限', unit: 's' },
  dailyDrivingLimit: { id: 0x0058, type: 'DWORD', zh: '当天累计驾驶时间门限', unit: 's' },
  minRestTime: { id: 0x0059, type: 'DWORD', zh: '最小休息时间', unit: 's' },
  maxParkingTime: { id: 0x005a, type: 'DWORD', zh: '最长停车时间', unit: 's' },
  overspeedWarningDelta: { id: 0x005b, type: 'WORD', zh: '超速报警预警差值', unit: '1/10 km/h' },
  fatigueWarningDelta: { id: 0x005c, type: 'WORD', zh: '疲劳驾驶预警差值', unit: 's' },
  collisionAlarmSettings: {
    id: 0x005d,
    type: 'WORD',
    zh: '碰撞报警参数设置：b7-b0 碰撞时间，b15-b8 碰撞加速度（单位 0.1g，0-79，默认 10）',
  },
  rolloverAlarmAngle: { id: 0x005e, type: 'WORD', zh: '侧翻报警参数设置：侧翻角度，默认 30', unit: '°' },
  timedPhotoControl: { id: 0x0064, type: 'DWORD', zh: '定时拍照控制' },
  distancePhotoControl: { id: 0x0065, type: 'DWORD', zh: '定距拍照控制' },
  imageQuality: { id: 0x0070, type: 'DWORD', zh: '图像/视频质量，1-10，1 最好' },
  brightness: { id: 0x0071, type: 'DWORD', zh: '亮度，0-255' },
  contrast: { id: 0x0072, type: 'DWORD', zh: '对比度，0-127' },
  saturation: { id: 0x0073, type: 'DWORD', zh: '饱和度，0-127' },
  chroma: { id: 0x0074, type: 'DWORD', zh: '色度，0-255' },
  odometer: { id: 0x0080, type: 'DWORD', zh: '车辆里程表读数', unit: '1/10 km' },
  provinceId: { id: 0x0081, type: 'WORD', zh: '车辆所在的省域 ID' },
  cityId: { id: 0x0082, type: 'WORD', zh: '车辆所在的市域 ID' },
  plate: { id: 0x0083, type: 'STRING', zh: '公安交通管理部门颁发的机动车号牌' },
  plateColor: {
    id: 0x0084,
    type: 'BYTE',
    zh: '车牌颜色（2013 按 JT/T 415-2006 5.4.12；2019 按 JT/T 697.7-2014，未上牌填 0）',
  },
  gnssMode: {
    id: 0x0090,
    type: 'BYTE',
    zh: 'GNSS 定位模式：bit0 GPS，bit1 北斗，bit2 GLONASS，bit3 Galileo（1 启用）',
  },
  gnssBaudRate: {
    id: 0x0091,
    type: 'BYTE',
    zh: 'GNSS 波特率：0 4800，1 9600，2 19200，3 38400，4 57600，5 115200',
  },
  gnssOutputFrequency: {
    id: 0x0092,
    type: 'BYTE',
    zh: 'GNSS 模块详细定位数据输出频率：0 500ms，1 1000ms，2 2000ms，3 3000ms，4 4000ms',
  },
  gnssSamplingInterval: { id: 0x0093, type: 'DWORD', zh: 'GNSS 模块详细定位数据采集频率', unit: 's' },
  gnssUploadMode: {
    id: 0x0094,
    type: 'BYTE',
    zh: 'GNSS 模块详细定位数据上传方式：0 本地存储，1 按时间，2 按距离，0x0B 累计时间，0x0C 累计距离，0x0D 累计条数',
  },
  gnssUploadSetting: {
    id: 0x0095,
    type: 'DWORD',
    zh: 'GNSS 模块详细定位数据上传设置（单位随上传方式：秒、米或条）',
  },
  can1SamplingInterval: {
    id: 0x0100,
    type: 'DWORD',
    zh: 'CAN 总线通道 1 采集时间间隔，0 不采集',
    unit: 'ms',
  },
  can1UploadInterval: { id: 0x0101, type: 'WORD', zh: 'CAN 总线通道 1 上传时间间隔，0 不上传', unit: 's' },
  can2SamplingInterval: {
    id: 0x0102,
    type: 'DWORD',
    zh: 'CAN 总线通道 2 采集时间间隔，0 不采集',
    unit: 'ms',
  },
  can2UploadInterval: { id: 0x0103, type: 'WORD', zh: 'CAN 总线通道 2 上传时间间隔，0 不上传', unit: 's' },
  // 0x0111-0x01FF repeat this layout for further CAN ids; they are left to the unknown-id path.
  canIdSampling: {
    id: 0x0110,
    type: 'BYTES',
    zh: 'CAN 总线 ID 单独采集设置 BYTE[8]：bit63-32 采集间隔(ms)，bit31 通道，bit30 帧类型，bit29 采集方式，bit28-0 ID',
  },
} as const satisfies Record<string, Definition>;

type Definitions = typeof definitions;
export type ParameterName = keyof Definitions;

/** Parameter ids by name: `{ id: ParameterId.heartbeatInterval, value: 30 }`. */
export const ParameterId = Object.fromEntries(
  Object.entries(definitions).map(([name, definition]) => [name, definition.id]),
) as { [N in ParameterName]: Definitions[N]['id'] };

/** Every parameter the codec knows, by id. Ids not in it (vendor 0xF000-0xFFFF etc.) stay raw. */
export const TERMINAL_PARAMETERS: ReadonlyMap<number, ParameterInfo> = new Map(
  Object.entries(definitions).map(([name, { id, ...info }]) => [id, { name, ...info }]),
);

const byName = new Map(Object.entries(definitions).map(([name, { id }]) => [name, id]));

/** The id and description of a parameter given its name (as typed on a command line), if known. */
export function parameterByName(name: string): (ParameterInfo & { id: number }) | undefined {
  const id = byName.get(name);
  return id === undefined ? undefined : { id, ...TERMINAL_PARAMETERS.get(id)! };
}
