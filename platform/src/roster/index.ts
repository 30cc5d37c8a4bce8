export { CellError } from './cells.js';
export { RosterFileError } from './file-error.js';
export { type FileReport, type ImportOptions, importFile } from './import-file.js';
export { everythingLoaded, type ImportReport, importRoster, type RosterFiles } from './import-roster.js';
export type { Rejection, RosterKind, RosterKindName } from './kind.js';
export { ROSTER_KINDS, rosterKind } from './kinds/index.js';
export { reportText } from './report-text.js';
export { templateText } from './template-text.js';
export type { TextEncoding } from './text-source.js';
