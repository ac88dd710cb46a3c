/**
 * Widgets for parameter kinds added beside the ones that ship (defineParamKind in the engine):
 * a module that adds a kind registers its widget here, and ParamField draws it. No UI edit.
 */
import type { ReactNode } from 'react';
import type { ParamSpec } from '../engine';

export interface ParamWidgetProps {
  id: string;
  spec: ParamSpec;
  value: unknown;
  onChange: (value: unknown) => void;
}

export type ParamWidget = (props: ParamWidgetProps) => ReactNode;

const widgets = new Map<string, ParamWidget>();

export function defineParamWidget(kind: string, widget: ParamWidget): void {
  if (widgets.has(kind)) throw new Error(`a widget for param kind ${kind} is registered twice`);
  widgets.set(kind, widget);
}

export function paramWidget(kind: string): ParamWidget | undefined {
  return widgets.get(kind);
}
