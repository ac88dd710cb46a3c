/** How a picture of another aspect goes into the frame; data only, so node cards load it without the encoders. */
export const FITS = {
  fit: { label: 'Fit (bars)', mode: 'contain' },
  fill: { label: 'Fill (crop)', mode: 'cover' },
  stretch: { label: 'Stretch', mode: 'fill' },
} as const;
export type Fit = keyof typeof FITS;
