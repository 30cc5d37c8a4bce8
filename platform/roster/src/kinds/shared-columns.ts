import * as cells from '../cells.js';
import { optional } from '../columns.js';

/** Headers under which files refer to a center, an enterprise, a terminal by its phone. */
export const CENTER_CODE_HEADERS = ['中心编号', '所属中心编号', '监控中心编号', '所属中心', 'center'];
export const ENTERPRISE_CODE_HEADERS = ['企业编号', '所属企业编号', '业户编号', '企业代码', 'enterprise'];
export const SERVICE_POINT_CODE_HEADERS = ['服务站编号', '服务网点编号', '网点编号'];
export const TERMINAL_PHONE_HEADERS = ['终端手机号', '终端手机号码', 'SIM卡号', 'SIM卡号码', '手机号', 'sim'];

/** Where a center or service point is, WGS-84 degrees. */
export const coordinateColumns = {
  latitude: optional(cells.latitude, ['纬度', 'lat'], 'WGS-84 degrees north'),
  longitude: optional(cells.longitude, ['经度', 'lon', 'lng'], 'WGS-84 degrees east'),
};
