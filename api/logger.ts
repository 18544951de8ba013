/** Structured one-line JSON logs to stderr. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = Record<LogLevel, (message: string, fields?: Record<string, unknown>) => void>;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const make = (l: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[l] < rank[level]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: l, msg: message, ...fields }));
  };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}
