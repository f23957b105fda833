/**
 * The command-line layer under `commands/`: the flag sets (`flags/`, one per concern), the exit-code table, the
 * mapping of the engine's typed errors to exit codes, the renderers (plan summary, live progress, run summary,
 * status, machines) and the run report's writer (`report/`). It turns events and results into text, HTML, JSON
 * or YAML; it decides nothing about upgrades. Commands import the file they need, not this entry (so `plan`
 * loads no renderer it does not use).
 */
export {};
