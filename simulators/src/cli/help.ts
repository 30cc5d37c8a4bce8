import { DEFAULT_PER_PROCESS } from './args.js';

export const USAGE_HINT = 'Try `fleet-sim --help`.';

export const HELP = `fleet-sim — plays JT/T 808 terminals (vehicles driving around Henan) against a gateway

Usage: fleet-sim [options]

Fleet
  -n, --terminals N        terminals to play, 1 to 400,000 (default 100)
  --first N                index of the first terminal (default 0); run disjoint fleets with it
  --phone-base DIGITS      terminal i has phone BASE + i, 12 digits (default 013900000000)
  --edition-2019 SHARE     share of 2019-edition terminals, 0..1; the rest speak 2013 (default 0.5)
  --seed N                 seed of every random choice: routes, timings, fault selection (default 1)
  --state FILE             JSON file of auth codes (phone -> authCode, edition, terminalId, plate):
                           terminals found there only authenticate; new codes are written back

Gateway and load
  --host HOST              gateway address (default 127.0.0.1)
  --port N                 gateway port (default 6808)
  --ramp N                 new connections per second (default 1000)
  --reconnect-ramp N       reconnections per second, a ramp of their own (default: --ramp); the
                           terminals' back-off spreads them already
  --source-addresses N     connect from 127.0.0.1..127.0.0.N, round-robin; default one per 25,000
                           terminals (an address has ~28,000 ephemeral ports)
  --per-process N          terminals per worker process (default ${DEFAULT_PER_PROCESS}); larger fleets are
                           forked over several processes (each may hold 20,000 open files here)
  --nice N                 run at this scheduling priority, -20 to 19 (19: the lowest; below 0 needs
                           privileges and is written --nice=-5), workers included: a simulator
                           sharing a box with the platform then gives way to it

Time and cadence (simulated seconds)
  --speed X                simulated seconds per real second (default 1); GPS times follow it
  --duration S             stop after S real seconds (default: run until Ctrl-C)
  --driving-interval S     location interval with ACC on (default 30)
  --parked-interval S      location interval parked with ACC off (default 300)
  --heartbeat S            heartbeat after S seconds without any other frame (default 60)
  --ack-timeout S          real seconds to wait for a platform answer (default 10)

Faults and output
  --scenario FILE          faults to inject (JSON; see simulators/README.md)
  --truth FILE             ground truth: one JSON line per terminal and fault interval
  --acks FILE              locations acknowledged per terminal (CSV: phone,acknowledged_locations),
                           written when the run stops: the simulator's side of a no-loss check
                           (0x0200 reports and every item of acknowledged 0x0704 blind-area batches)
  --json                   print the summary as JSON
  -q, --quiet              no progress line on stderr
  -h, --help               this text

Progress goes to stderr once a second; the summary goes to stdout when the run stops.

Examples
  fleet-sim -n 2000 --port 6808
  fleet-sim -n 50 --speed 600 --duration 10 --state fleet-state.json --json
  fleet-sim -n 5000 --speed 60 --scenario simulators/scenarios/demo.json --truth truth.jsonl
  fleet-sim -n 100000 --ramp 5000 --source-addresses 5 --duration 600   # 7 worker processes
`;
