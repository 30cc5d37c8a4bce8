import type { Topic } from './cli-args.js';

const GENERAL = `jt808-roster - load the roster of the JT/T 808 platform from CSV files

Usage:
  jt808-roster import [--database-url URL] [--encoding ENC] --vehicles FILE ...
  jt808-roster template [KIND...]     the columns of each kind of file
  jt808-roster <command> --help       more about a command

Kinds of file, loaded in this order: centers, enterprises, service-points,
vehicles, terminals, installations, installers, installer-contracts.

Examples:
  jt808-roster import --centers centers.csv --vehicles vehicles.csv
  jt808-roster template vehicles
`;

const IMPORT = `Usage: jt808-roster import [options] --KIND FILE ...

Migrates the database, then loads each file given, in the order centers,
enterprises, service-points, vehicles, terminals, installations, installers,
installer-contracts, each file in one transaction. Rows are inserted, or update
the stored row with the same key (code; plate and colour; phone; vehicle and
planned day; installer code), so importing a file
again changes nothing. Bad rows are listed as FILE:LINE: reason (the header is
line 1) and the rest of the file is loaded.

Options:
  --database-url URL       PostgreSQL to load into (default: $DATABASE_URL)
  --encoding utf-8|gbk     the files' encoding (default: per file, UTF-8 when
                           the file is valid UTF-8, else GBK)
  --centers FILE           --enterprises FILE      --service-points FILE
  --vehicles FILE          --terminals FILE        --installations FILE
  --installers FILE        --installer-contracts FILE

Files are CSV as spreadsheets save them: a header row with Chinese or English
column names (see jt808-roster template), comma-separated, CRLF or LF.

Exit status: 0 everything loaded, 1 some rows or files were not loaded (or the
database could not be reached), 2 usage error.

Example:
  DATABASE_URL=postgres://roster@db/jt808 jt808-roster import \\
    --centers centers.csv --service-points points.csv --vehicles vehicles.csv
`;

const TEMPLATE = `Usage: jt808-roster template [KIND...]

Prints, for each kind (all when none is named), its columns: the header to
copy into a spreadsheet, whether a column is required, what it holds and the
other header names accepted for it.
KIND: centers, enterprises, service-points, vehicles, terminals, installations.
`;

export const USAGE_HINT = 'Try jt808-roster --help.';

export function helpText(topic: Topic | undefined): string {
  switch (topic) {
    case 'import':
      return IMPORT;
    case 'template':
      return TEMPLATE;
    case undefined:
      return GENERAL;
  }
}
