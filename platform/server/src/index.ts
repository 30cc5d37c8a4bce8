export { logProcessFaults } from './process-faults.js';
export { startSideHttp } from './side-http.js';
export { type SimTime, simulatedTimeView, toReal, toSimulated } from './sim-time.js';
