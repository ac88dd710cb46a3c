/**
 * The wire being dragged out of a port, if any: set by the canvas when a drag starts and ends, read
 * by each port to dim itself when it cannot take the wire. A context, not a store subscription per
 * port, so opening a big graph costs nothing for it.
 */
import { createContext } from 'react';
import type { WireEnd } from '../editor/commands';

export const DraggedWire = createContext<WireEnd | undefined>(undefined);
