export * as cells from './cells.js';
export { CellError, contactPhone } from './cells.js';
export { type FileReport, type ImportOptions, importFile } from './import-file.js';
export { everythingLoaded, type ImportReport, importRoster, type RosterFiles } from './import-roster.js';
export { installerContractsWithin } from './kinds/installer-contracts.js';
export { followRegister } from './kinds/installers.js';
export { reportText } from './report-text.js';
