/** How each mark colour a node or frame can carry is drawn (dark theme: muted, so text stays legible). */
import type { MarkColour } from '../engine';

export const MARK_HEX: Readonly<Record<MarkColour, string>> = {
  red: '#c0504d',
  orange: '#d9822b',
  yellow: '#c9b037',
  green: '#5a9e5a',
  teal: '#3a9e9a',
  blue: '#4a78c0',
  purple: '#8a62c0',
  grey: '#7a7d8c',
};
