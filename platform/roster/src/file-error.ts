/** A roster file that cannot be loaded at all (unreadable, wrong header); no row of it is loaded. */
export class RosterFileError extends Error {
  override readonly name = 'RosterFileError';
}
