import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Class names joined, falsy ones dropped, and conflicting Tailwind utilities
 * resolved in favour of the last (`cn("px-2", props.className)` lets a caller
 * override a wrapper's padding).
 */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
