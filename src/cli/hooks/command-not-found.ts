/**
 * oclif's `command_not_found` hook: a mistyped command is invalid input (exit 3), said in one line with the
 * nearest commands (`'pln' is not a k8s-upgrade command. Did you mean plan?`), and nothing is run on a guess.
 */
import type { Hook } from '@oclif/core';
import { EXIT } from '../exit-codes.js';
import { closest } from '../suggest.js';

const hook: Hook.CommandNotFound = async function (opts) {
  // oclif joins the words it could not resolve with ':'; show them as typed.
  const typed = opts.id.split(':').join(' ');
  const known = [...new Set([...opts.config.commandIDs.map((id) => id.split(':').join(' ')), 'help'])];
  // `aplpy x`: the first word is the mistyped command, the rest its arguments.
  const whole = closest(typed, known);
  const near = whole.length > 0 ? whole : closest(typed.split(' ')[0]!, known);
  const hint = near.length > 0 ? ` Did you mean ${near.join(', ')}?` : '';
  process.stderr.write(
    `Error: '${typed}' is not a ${opts.config.bin} command.${hint} Run ${opts.config.bin} help for the list.\n`,
  );
  this.exit(EXIT.INVALID_INPUT);
};

export default hook;
