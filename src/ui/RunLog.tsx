/** What runs said, newest last: starts, finishes, failures with their messages. */
import { useEffect, useRef } from 'react';
import { useRunLog } from './services';

export function RunLog() {
  const lines = useRunLog();
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    const box = section.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [lines]);
  return (
    <section ref={section} className="run-log" aria-label="Run log">
      <h2>Run log</h2>
      <ol>
        {lines.map((line) => (
          <li key={line.seq} className={`log-${line.level}`}>
            <time>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
