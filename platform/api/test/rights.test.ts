import { describe, expect, it } from 'vitest';
import { commandsFor, maySendCommand, ticketActionsFor } from '../src/rights.js';

describe('what each role may do', () => {
  it('offers the ticket actions of the role that the workflow allows from the state', () => {
    expect(ticketActionsFor('operator', 'new')).toEqual(['classify', 'cancel']);
    expect(ticketActionsFor('service', 'new')).toEqual([]);
    expect(ticketActionsFor('service', 'appointed')).toEqual(['appoint', 'arrive']);
    expect(ticketActionsFor('operator', 'appointed')).toEqual(['reassign', 'appoint', 'cancel']);
    expect(ticketActionsFor('service', 'on-site')).toEqual(['resolve']);
    expect(ticketActionsFor('viewer', 'new')).toEqual([]);
    expect(ticketActionsFor('desk', 'new')).toEqual([]);
    expect(ticketActionsFor('admin', 'closed')).toEqual(['callback']);
    expect(ticketActionsFor('admin', 'verified')).toEqual([]);
  });

  it('lets centers send every command, repair points diagnose, the desk locate and message', () => {
    expect(commandsFor('operator')).toEqual([
      'locationQuery',
      'queryParameters',
      'setParameters',
      'textMessage',
    ]);
    expect(commandsFor('service')).toEqual(['locationQuery', 'queryParameters']);
    expect(commandsFor('desk')).toEqual(['locationQuery', 'textMessage']);
    expect(commandsFor('viewer')).toEqual([]);
    expect(maySendCommand('desk', 'setParameters')).toBe(false);
    expect(maySendCommand('admin', 'setParameters')).toBe(true);
  });
});
