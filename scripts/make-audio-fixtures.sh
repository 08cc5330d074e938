#!/usr/bin/env bash
# Regenerates the μ-law audio fixtures under test/fixtures/audio/: speech synthesised by espeak-ng and
# converted by sox to what Twilio's Media Streams carry (G.711 μ-law, 8 kHz, mono, no header).
# Needs Debian's espeak-ng and sox (`apt-get install -y espeak-ng sox`); tests only read the committed
# files and never run this. The output depends on the espeak-ng and sox versions: regenerate all files
# together, and update test/fixtures/audio/lines.json when a line's text changes.
set -euo pipefail

cd "$(dirname "$0")/.."
out=test/fixtures/audio
command -v espeak-ng >/dev/null && command -v sox >/dev/null || {
  echo "needs espeak-ng and sox: apt-get install -y espeak-ng sox" >&2
  exit 2
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name|voice|text. Caller lines in a male voice, agent lines in a female one, so they differ by ear.
lines=(
  "caller-laptop|en-us|Hi, my laptop will not start."
  "caller-name|en-us|My name is Manas."
  "caller-email|en-us|My email is manas at example dot com."
  "caller-bye|en-us|Thanks, bye."
  "agent-greeting|en-us+f3|Hello, thanks for calling support. How can I help you today?"
  "agent-goodbye|en-us+f3|Thank you, Manas. Goodbye."
)

for entry in "${lines[@]}"; do
  IFS='|' read -r name voice text <<<"$entry"
  espeak-ng -v "$voice" -s 165 -w "$work/$name.wav" "$text"
  # Trim the silence espeak-ng puts around the speech, normalise to -3 dBFS, then resample to 8 kHz
  # μ-law. Whole 20 ms frames (160 bytes) are not needed: the simulator pads the last frame.
  sox "$work/$name.wav" -r 8000 -c 1 -e mu-law -b 8 -t raw "$out/$name.ulaw" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse gain -n -3
  echo "$out/$name.ulaw: $(wc -c <"$out/$name.ulaw") bytes"
done
