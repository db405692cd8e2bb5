/**
 * Canvas edits as text -> text functions. Delegates to shared/yaml/editor (the source-splicing editor)
 * when it is available; `interim` is a minimal Document-API fallback used until then.
 */
import * as interim from './edits-interim';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type PathSeg = string | number;

export interface Editor {
  addStep(text: string, step: Record<string, Json>, index?: number): string;
  deleteStep(text: string, name: string): string;
  renameStep(text: string, from: string, to: string): string;
  setStepField(text: string, name: string, path: PathSeg[], value: Json | undefined): string;
  moveStep(text: string, name: string, toIndex: number): string;
  setSignature(text: string, name: string, signature: Json | undefined): string;
  addPreviousResponse(text: string, target: string, source: string): string;
}

export const editor: Editor = interim;
