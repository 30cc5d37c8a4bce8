/**
 * Names of the events on a vehicle's page (added to the catalog by addMessages). An event kind
 * without a name here is shown as it is stored.
 */
export const eventMessages = {
  zh: {
    'event.online': '上线',
    'event.offline': '下线',
    'event.registered': '注册',
    'event.registration-refused': '注册被拒（疑似冒用身份）',
    'event.refusal.terminal-id-missing': '终端ID为空',
    'event.refusal.terminal-id-mismatch': '终端ID与档案不符',
    'event.refusal.plate-of-another-vehicle': '车牌属于其他车辆',
    'event.refusal.plate-held-by-another-terminal': '车辆已装其他终端',
    'event.refusal.vehicle-not-in-roster': '车牌不在档案中',
    'event.refusal.live-session-elsewhere': '终端在线时重复注册',
    'event.from': '来自',
  },
  en: {
    'event.online': 'Online',
    'event.offline': 'Offline',
    'event.registered': 'Registered',
    'event.registration-refused': 'Registration refused (possible identity theft)',
    'event.refusal.terminal-id-missing': 'empty terminal id',
    'event.refusal.terminal-id-mismatch': 'terminal id differs from the roster',
    'event.refusal.plate-of-another-vehicle': 'plate of another vehicle',
    'event.refusal.plate-held-by-another-terminal': 'vehicle carries another terminal',
    'event.refusal.vehicle-not-in-roster': 'plate not in the roster',
    'event.refusal.live-session-elsewhere': 'registered again while online',
    'event.from': 'from',
  },
};
