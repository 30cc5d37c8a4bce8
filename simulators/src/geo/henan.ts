import type { LatLon } from './geodesy.js';

/** A prefecture-level city of Henan (plus Jiyuan, a sub-prefecture city administered by the province). */
export interface City extends LatLon {
  name: string;
  zh: string;
  /** The letter after 豫 on the city's licence plates (GA 36). */
  plateLetter: string;
  /** GB/T 2260 administrative division code; the registration's 市县域ID is its last four digits. */
  divisionCode: number;
  /** Relative number of registered vehicles, for spreading the fleet over the province. */
  vehicleShare: number;
}

/** Henan's 省域ID (the first two digits of every division code in the province). */
export const HENAN_PROVINCE_ID = 41;

/** City centres (the municipal government seats). */
export const CITIES: readonly City[] = [
  {
    name: 'Zhengzhou',
    zh: '郑州',
    latitude: 34.7472,
    longitude: 113.6249,
    plateLetter: 'A',
    divisionCode: 410100,
    vehicleShare: 20,
  },
  {
    name: 'Kaifeng',
    zh: '开封',
    latitude: 34.7973,
    longitude: 114.3075,
    plateLetter: 'B',
    divisionCode: 410200,
    vehicleShare: 4,
  },
  {
    name: 'Luoyang',
    zh: '洛阳',
    latitude: 34.6197,
    longitude: 112.454,
    plateLetter: 'C',
    divisionCode: 410300,
    vehicleShare: 8,
  },
  {
    name: 'Pingdingshan',
    zh: '平顶山',
    latitude: 33.7662,
    longitude: 113.1926,
    plateLetter: 'D',
    divisionCode: 410400,
    vehicleShare: 4,
  },
  {
    name: 'Anyang',
    zh: '安阳',
    latitude: 36.0977,
    longitude: 114.3925,
    plateLetter: 'E',
    divisionCode: 410500,
    vehicleShare: 5,
  },
  {
    name: 'Hebi',
    zh: '鹤壁',
    latitude: 35.7476,
    longitude: 114.2975,
    plateLetter: 'F',
    divisionCode: 410600,
    vehicleShare: 2,
  },
  {
    name: 'Xinxiang',
    zh: '新乡',
    latitude: 35.303,
    longitude: 113.9268,
    plateLetter: 'G',
    divisionCode: 410700,
    vehicleShare: 6,
  },
  {
    name: 'Jiaozuo',
    zh: '焦作',
    latitude: 35.2159,
    longitude: 113.2418,
    plateLetter: 'H',
    divisionCode: 410800,
    vehicleShare: 4,
  },
  {
    name: 'Puyang',
    zh: '濮阳',
    latitude: 35.7619,
    longitude: 115.0292,
    plateLetter: 'J',
    divisionCode: 410900,
    vehicleShare: 4,
  },
  {
    name: 'Xuchang',
    zh: '许昌',
    latitude: 34.0357,
    longitude: 113.8523,
    plateLetter: 'K',
    divisionCode: 411000,
    vehicleShare: 5,
  },
  {
    name: 'Luohe',
    zh: '漯河',
    latitude: 33.5815,
    longitude: 114.0166,
    plateLetter: 'L',
    divisionCode: 411100,
    vehicleShare: 3,
  },
  {
    name: 'Sanmenxia',
    zh: '三门峡',
    latitude: 34.7726,
    longitude: 111.2003,
    plateLetter: 'M',
    divisionCode: 411200,
    vehicleShare: 3,
  },
  {
    name: 'Nanyang',
    zh: '南阳',
    latitude: 32.9907,
    longitude: 112.5283,
    plateLetter: 'R',
    divisionCode: 411300,
    vehicleShare: 8,
  },
  {
    name: 'Shangqiu',
    zh: '商丘',
    latitude: 34.4143,
    longitude: 115.6564,
    plateLetter: 'N',
    divisionCode: 411400,
    vehicleShare: 6,
  },
  {
    name: 'Xinyang',
    zh: '信阳',
    latitude: 32.147,
    longitude: 114.0913,
    plateLetter: 'S',
    divisionCode: 411500,
    vehicleShare: 5,
  },
  {
    name: 'Zhoukou',
    zh: '周口',
    latitude: 33.626,
    longitude: 114.6965,
    plateLetter: 'P',
    divisionCode: 411600,
    vehicleShare: 6,
  },
  {
    name: 'Zhumadian',
    zh: '驻马店',
    latitude: 33.0114,
    longitude: 114.0221,
    plateLetter: 'Q',
    divisionCode: 411700,
    vehicleShare: 5,
  },
  {
    name: 'Jiyuan',
    zh: '济源',
    latitude: 35.067,
    longitude: 112.6023,
    plateLetter: 'U',
    divisionCode: 419001,
    vehicleShare: 2,
  },
];

/** The province's bounding box; every simulated position stays inside it. */
export const HENAN_BOUNDS = { south: 31.38, north: 36.37, west: 110.35, east: 116.65 } as const;

export function insideHenan(point: LatLon): boolean {
  return (
    point.latitude >= HENAN_BOUNDS.south &&
    point.latitude <= HENAN_BOUNDS.north &&
    point.longitude >= HENAN_BOUNDS.west &&
    point.longitude <= HENAN_BOUNDS.east
  );
}

/**
 * Pairs of cities joined directly by an expressway (G4, G30, G36, G40, G45, G55 and provincial
 * links). Trips between cities that are not neighbours here pass through the cities in between.
 */
export const ROAD_LINKS: readonly (readonly [string, string])[] = [
  ['Zhengzhou', 'Kaifeng'],
  ['Kaifeng', 'Shangqiu'],
  ['Zhengzhou', 'Luoyang'],
  ['Luoyang', 'Sanmenxia'],
  ['Zhengzhou', 'Xinxiang'],
  ['Xinxiang', 'Hebi'],
  ['Hebi', 'Anyang'],
  ['Anyang', 'Puyang'],
  ['Hebi', 'Puyang'],
  ['Puyang', 'Kaifeng'],
  ['Kaifeng', 'Xinxiang'],
  ['Zhengzhou', 'Xuchang'],
  ['Xuchang', 'Luohe'],
  ['Luohe', 'Zhumadian'],
  ['Zhumadian', 'Xinyang'],
  ['Zhengzhou', 'Jiaozuo'],
  ['Jiaozuo', 'Xinxiang'],
  ['Jiaozuo', 'Jiyuan'],
  ['Jiyuan', 'Luoyang'],
  ['Luoyang', 'Pingdingshan'],
  ['Pingdingshan', 'Xuchang'],
  ['Pingdingshan', 'Luohe'],
  ['Luohe', 'Zhoukou'],
  ['Pingdingshan', 'Nanyang'],
  ['Luoyang', 'Nanyang'],
  ['Nanyang', 'Zhumadian'],
  ['Nanyang', 'Xinyang'],
  ['Kaifeng', 'Zhoukou'],
  ['Zhoukou', 'Shangqiu'],
  ['Zhoukou', 'Zhumadian'],
];

export function cityIndex(name: string): number {
  const index = CITIES.findIndex((city) => city.name === name);
  if (index < 0) throw new Error(`no city named ${name}`);
  return index;
}

/**
 * 100 slots dealt to the cities in proportion to `vehicleShare` (which sums to 100), interleaved by
 * smooth weighted round-robin so that even a small fleet covers many cities.
 */
const HOME_SLOTS: readonly number[] = (() => {
  const slots: number[] = [];
  const credit = CITIES.map(() => 0);
  const total = CITIES.reduce((sum, city) => sum + city.vehicleShare, 0);
  for (let slot = 0; slot < total; slot++) {
    let best = 0;
    for (let i = 0; i < CITIES.length; i++) {
      credit[i]! += CITIES[i]!.vehicleShare;
      if (credit[i]! > credit[best]!) best = i;
    }
    credit[best]! -= total;
    slots.push(best);
  }
  return slots;
})();

/**
 * The home city (index into CITIES) of terminal `index`: a pure function of the index alone (no
 * seed, no options), so other parts of the platform can group the simulated fleet by city.
 */
export function homeCityOf(index: number): number {
  return HOME_SLOTS[index % HOME_SLOTS.length]!;
}
