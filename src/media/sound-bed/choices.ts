/** The ambient sound beds on offer; data only, so node cards load it without the synthesis. */
export const SOUND_BEDS = ['wind', 'rain', 'room-tone'] as const;
export type SoundBed = (typeof SOUND_BEDS)[number];
