"""Write critical_alert.wav: the console's own alert sound (run: python make_alert_sound.py).

Two short rising chimes, twice — distinct from the desktop's beeps, audible across a room
without being shrill: 0.9 s, mono, 22,050 Hz, 16-bit, soft attack and decay so it never clicks.
"""
from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
VOLUME = 0.55
# (start s, length s, frequency Hz): E5 then A5, repeated.
NOTES = [(0.00, 0.18, 659.25), (0.20, 0.22, 880.00), (0.48, 0.18, 659.25), (0.68, 0.22, 880.00)]
LENGTH_S = 0.92


def sample(t: float) -> float:
    value = 0.0
    for start, length, freq in NOTES:
        dt = t - start
        if 0 <= dt < length:
            attack = min(1.0, dt / 0.01)
            decay = math.exp(-4.0 * dt / length)
            # A little of the octave above makes it a chime rather than a test tone.
            tone = math.sin(2 * math.pi * freq * dt) + 0.3 * math.sin(4 * math.pi * freq * dt)
            value += attack * decay * tone / 1.3
    return max(-1.0, min(1.0, value * VOLUME))


def main(path: Path = Path(__file__).with_name("critical_alert.wav")) -> None:
    frames = b"".join(struct.pack("<h", int(sample(i / RATE) * 32767))
                      for i in range(int(LENGTH_S * RATE)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)


if __name__ == "__main__":
    main()
