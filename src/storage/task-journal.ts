/** The journal of paid generations in IndexedDB: written before each request leaves, read on resume. */
import type { JournalEntry, TaskJournal } from '../engine';
import type { StillmotionDb } from './database';

export class IdbTaskJournal implements TaskJournal {
  constructor(private readonly db: StillmotionDb) {}

  async forKey(nodeKey: string): Promise<JournalEntry[]> {
    return newestFirst(await this.db.getAllFromIndex('tasks', 'nodeKey', nodeKey));
  }

  async put(entry: JournalEntry): Promise<void> {
    await this.db.put('tasks', entry);
  }

  async list(): Promise<JournalEntry[]> {
    return newestFirst(await this.db.getAll('tasks'));
  }
}

function newestFirst(entries: JournalEntry[]): JournalEntry[] {
  return entries.sort((a, b) => b.submittedAt - a.submittedAt);
}
