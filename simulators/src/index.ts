export {
  answers,
  TerminalConnection,
  type TerminalConnectionOptions,
} from './terminal/terminal-connection.js';
