/**
 * What the listr2 trees (`apply`'s and `fleet apply`'s) share: the DefaultRenderer usable on any stream the
 * caller already decided is a terminal, the renderer options (icons, collapsed finished subtasks, no colour
 * when asked), and the deferred values the event-driven tasks wait on.
 */
import {
  DefaultRenderer,
  Listr,
  ListrDefaultRendererLogLevels,
  ListrLogger,
  ProcessOutput,
  type ListrDefaultRendererOptions,
  type ListrTask,
  type ListrTaskWrapper,
} from 'listr2';

/** The DefaultRenderer, usable on any stream: the caller already decided that this output is a terminal. */
export class AnyStreamRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Wrapper = ListrTaskWrapper<any, any, any>;

export interface Deferred<T> {
  readonly promise: Promise<T>;
  settled: boolean;
  value?: T;
  settle(value: T): void;
}

/** A value some task waits on, settled once by an event (later settles are ignored). */
export const deferred = <T>(): Deferred<T> => {
  let resolve!: (v: T) => void;
  const d: Deferred<T> = {
    promise: new Promise<T>((r) => (resolve = r)),
    settled: false,
    settle(value) {
      if (d.settled) return;
      d.settled = true;
      d.value = value;
      resolve(value);
    },
  };
  return d;
};

const identity = (m?: string): string => m ?? '';

export const rendererOptions = (out: NodeJS.WritableStream, color: boolean): ListrDefaultRendererOptions => {
  const stream = out as NodeJS.WriteStream;
  const logger = new ListrLogger<ListrDefaultRendererLogLevels>({
    useIcons: true,
    toStderr: [],
    processOutput: new ProcessOutput(stream, stream, { leaveEmptyLine: false }),
  });
  const noColor = Object.fromEntries(Object.values(ListrDefaultRendererLogLevels).map((l) => [l, identity]));
  return {
    logger,
    collapseSubtasks: true,
    collapseSkips: true,
    showSkipMessage: true,
    collapseErrors: true,
    showErrorMessage: true,
    formatOutput: 'wrap',
    ...(color ? {} : { color: noColor }),
  };
};

/** Runs the top-level tasks in order on `out` (no signal listeners: the command owns signals); never rejects. */
export const runTree = (tasks: ListrTask[], out: NodeJS.WritableStream, color: boolean): Promise<unknown> =>
  new Listr(tasks, {
    concurrent: false,
    exitOnError: false,
    registerSignalListeners: false,
    renderer: AnyStreamRenderer,
    rendererOptions: rendererOptions(out, color),
  })
    .run()
    .catch(() => undefined);
