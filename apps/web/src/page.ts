// What every page of the demo does with the DOM the same way: find an element, show or clear the message that names
// a bad field, write a value (text for people, the exact value in data-value for tools and tests).
import { ArgumentError } from "@marginflow/core";

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: missing #${id}`);
  return el as T;
};

/** Shows an error in #message; marks the control that caused it (aria-invalid). */
export function showError(e: unknown, control?: HTMLElement): void {
  const message = $("message");
  const err = e instanceof Error ? e : new Error(String(e));
  // core's errors name the field and the fix in their message; other errors are shown with their kind
  message.textContent = err instanceof ArgumentError || err.name === "Error" ? err.message : `${err.name}: ${err.message}`;
  message.hidden = false;
  control?.setAttribute("aria-invalid", "true");
}

export function clearError(): void {
  const message = $("message");
  message.hidden = true;
  message.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/** Writes a value: text for people, the exact value in data-value for tools. */
export function put(id: string, value: number | string | null, text = value === null ? "—" : String(value)): void {
  const el = $(id);
  el.textContent = text;
  if (value === null) delete el.dataset.value;
  else el.dataset.value = String(value);
}
