/** What runs said, newest last: starts, finishes, failures with their messages. */
import { useEffect, useRef } from 'react';
import { useRunLog } from './services';

export function RunLog() {
  const lines = useRunLog();
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    void end.current?.scrollIntoView({ block: 'nearest' });
  }, [lines]);
  return (
    <section className="run-log" aria-label="Run log">
      <h2>Run log</h2>
      <ol>
        {lines.map((line, i) => (
          <li key={i} className={`log-${line.level}`} ref={i === lines.length - 1 ? end : undefined}>
            <time>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
