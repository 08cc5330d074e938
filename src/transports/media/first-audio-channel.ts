// How long the server holds a reply's first audio: from the model's delta reaching the bridge to its
// `media` frame written to Twilio's socket, published per response on a Node diagnostics channel.
// Nothing is timed or published while no one subscribes (hasSubscribers is a field read), so the
// frame path pays nothing in production; the realtime benchmark's server subscribes.
import { channel } from 'node:diagnostics_channel';

export const FIRST_AUDIO_CHANNEL = 'voice-agent:media:first-audio';

export interface FirstAudioMessage {
  /** Delta handed to the bridge → media frame written, ms. */
  ms: number;
}

export const firstAudioChannel = channel(FIRST_AUDIO_CHANNEL);
