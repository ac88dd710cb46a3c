/** The sound files the app reads, as a node's description names them. */
export const SUPPORTED_AUDIO = 'WAV, MP3, OGG (Opus or Vorbis), FLAC or M4A (AAC)';
