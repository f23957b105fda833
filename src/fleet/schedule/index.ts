/**
 * Pure fleet policy over an injected clock: counts and percentages (`N`/`N%`), Go-style durations, maintenance
 * windows in IANA time zones, and the stage scheduler. No I/O, no timers: callers pass `now`.
 */
export * from './count.js';
export * from './duration.js';
export * from './window.js';
export * from './states.js';
export * from './stage-scheduler.js';
