export { SimClock } from './fleet/clock.js';
export {
  type CredentialStore,
  type Credentials,
  MemoryCredentials,
  StateFile,
  StateFileError,
} from './fleet/credentials.js';
export { Fleet } from './fleet/fleet.js';
export type { AckInfo, FleetSettings } from './fleet/fleet-context.js';
export { type FleetOptions, FleetOptionsError, MAX_FLEET } from './fleet/fleet-options.js';
export {
  type IdentitySettings,
  identityOf,
  phoneOf,
  plateOf,
  type TerminalIdentity,
  terminalIdOf,
  wirePhoneOf,
} from './fleet/identity.js';
export { Vehicle } from './fleet/vehicle.js';
export { bearingDeg, distanceM, headingDifference, type LatLon } from './geo/geodesy.js';
export { CITIES, type City, HENAN_BOUNDS, homeCityOf, insideHenan } from './geo/henan.js';
export { Route, type RoutePosition } from './geo/route.js';
export { cityPath, routeBetween } from './geo/route-book.js';
export { FAULT_KINDS, type FaultKind } from './scenario/faults.js';
export {
  type FaultSpec,
  loadScenario,
  parseScenario,
  type Scenario,
  ScenarioError,
} from './scenario/scenario.js';
export { TruthFile, type TruthRecord } from './scenario/truth.js';
export {
  type Counters,
  type FleetSummary,
  type LatencySummary,
  mergeSnapshots,
  type StatsSnapshot,
  summarize,
} from './stats/fleet-stats.js';
export { Histogram, type HistogramSnapshot } from './stats/histogram.js';
export { type AnsweringTerminalState, answerCommands } from './terminal/command-answerer.js';
export {
  answers,
  TerminalConnection,
  type TerminalConnectionOptions,
} from './terminal/terminal-connection.js';
