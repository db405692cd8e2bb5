/** Inline SVG icons (stroke, 16px), so the app needs no icon font or network. */
import type { SVGProps } from 'react';

const paths: Record<string, string> = {
  file: 'M4 2h6l4 4v8a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM10 2v4h4',
  folder: 'M2 4a1 1 0 0 1 1-1h3.5l1.5 1.5H13a1 1 0 0 1 1 1V12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1z',
  save: 'M3 2h8l3 3v8a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM5 2v4h5V2M5 14v-4h6v4',
  plus: 'M8 3v10M3 8h10',
  undo: 'M4 6h6a3.5 3.5 0 0 1 0 7H7M4 6l3-3M4 6l3 3',
  redo: 'M12 6H6a3.5 3.5 0 0 0 0 7h3M12 6L9 3M12 6L9 9',
  layout: 'M2 3h4v4H2zM10 9h4v4h-4zM10 3h4v4h-4zM6 5h4M12 7v2',
  sun: 'M8 5a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.5 1.5M11.5 11.5L13 13M3 13l1.5-1.5M11.5 4.5L13 3',
  moon: 'M13 9.5A5.5 5.5 0 1 1 6.5 3a4.5 4.5 0 0 0 6.5 6.5z',
  search: 'M7 2a5 5 0 1 0 0 10A5 5 0 0 0 7 2zM11 11l3 3',
  command: 'M5 5h6v6H5zM5 5H3.5A1.5 1.5 0 1 1 5 3.5zM11 5V3.5A1.5 1.5 0 1 1 12.5 5zM11 11h1.5a1.5 1.5 0 1 1-1.5 1.5zM5 11v1.5A1.5 1.5 0 1 1 3.5 11z',
  download: 'M8 2v8M4.5 6.5L8 10l3.5-3.5M3 13h10',
  code: 'M5.5 4L2 8l3.5 4M10.5 4L14 8l-3.5 4',
  // A cog, so settings never looks like the theme's sun.
  settings: 'M12.86 6.81L14.53 7.01L14.53 8.99L12.86 9.19L12.27 10.59L13.31 11.92L11.92 13.31L10.59 12.27L9.19 12.86L8.99 14.53L7.01 14.53L6.81 12.86L5.41 12.27L4.08 13.31L2.69 11.92L3.73 10.59L3.14 9.19L1.47 8.99L1.47 7.01L3.14 6.81L3.73 5.41L2.69 4.08L4.08 2.69L5.41 3.73L6.81 3.14L7.01 1.47L8.99 1.47L9.19 3.14L10.59 3.73L11.92 2.69L13.31 4.08L12.27 5.41zM8 5.8a2.2 2.2 0 1 0 0 4.4 2.2 2.2 0 0 0 0-4.4z',
  trash: 'M3 4h10M6 4V2.5h4V4M4.5 4l.7 9.5h5.6l.7-9.5',
  copy: 'M5 5h8v8H5zM3 11V3h8',
  close: 'M4 4l8 8M12 4l-8 8',
  up: 'M8 12V4M4.5 7.5L8 4l3.5 3.5',
  error: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 4.5v4M8 10.8v.4',
  warning: 'M8 2L1.5 13.5h13zM8 6v3.5M8 11.5v.4',
  check: 'M3 8.5l3 3 7-7',
  fit: 'M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4',
  sparkle: 'M8 1.5l1.6 4.9 4.9 1.6-4.9 1.6L8 14.5l-1.6-4.9L1.5 8l4.9-1.6z',
  panel: 'M2 3h12v10H2zM2 9.5h12',
  image: 'M2 3h12v10H2zM2 11l3.5-3.5 3 3 2-2L14 12M10.5 6a1 1 0 1 0 0-.01',
  chevron: 'M4 6l4 4 4-4',
  design: 'M2 3h5v4H2zM9 9h5v4H9zM7 5h3.5v4',
  data: 'M3 3.5C3 2.7 5.2 2 8 2s5 .7 5 1.5v9c0 .8-2.2 1.5-5 1.5s-5-.7-5-1.5zM3 3.5c0 .8 2.2 1.5 5 1.5s5-.7 5-1.5M3 8c0 .8 2.2 1.5 5 1.5S13 8.8 13 8',
  optimize: 'M2 13l4-5 3 3 5-7M10 4h4v4',
  compare: 'M3 2v12M13 2v12M3 5h5M8 11h5M6 3l2 2-2 2M10 9l-2 2 2 2',
  experiments: 'M6 2v4L2.5 13a1 1 0 0 0 .9 1.5h9.2a1 1 0 0 0 .9-1.5L10 6V2M5 2h6M4.5 10h7',
  monitor: 'M2 3h12v8H2zM5 14h6M8 11v3M4 8.5l2-2 2 1.5 3-3',
};

export type IconName = keyof typeof paths;

export function Icon({ name, ...rest }: { name: IconName } & SVGProps<SVGSVGElement>) {
  return (
    <svg viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...rest}>
      <path d={paths[name]} />
    </svg>
  );
}
