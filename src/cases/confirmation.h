#pragma once
// Confirmation numbers read back to callers, e.g. "K7Q-4821-X": three characters, four digits
// and a check character. The alphabet leaves out letters that sound or look alike (I, L, O, U),
// and on input 0/O, 1/I/L are folded the Crockford way, so "k7q 4821 x" is understood.
// The check character makes sum(w_i * v_i) = 0 mod 31 with weights 1..8: 31 is prime and
// every weight and every difference of neighbouring weights is invertible, so every single
// mistyped character and every swap of two neighbours is caught (Luhn mod 32 misses one swap
// pair). Hence a 31-character alphabet: no Z either. Numbers come from the system's CSPRNG
// (getrandom), so they cannot be guessed from one another; uniqueness is the store's job
// (a unique index; generate again on a clash). Thread safety: stateless functions.

#include <string>
#include <string_view>

#include "base/result.h"

namespace sb::cases {

// A fresh number, e.g. "K7Q-4821-X". Unavailable if the system's randomness source fails.
Result<std::string> NewConfirmationNumber();

// Builds the number for a 7-character payload (3 alphabet characters, 4 digits); for tests.
Result<std::string> ConfirmationFromPayload(std::string_view payload);

// Parses what a caller or agent typed: case, spaces and dashes are ignored, look-alikes folded.
// Returns the canonical form, or InvalidArgument saying what is wrong (length, a character
// outside the alphabet, or a check character that does not match: "probably mistyped").
Result<std::string> ParseConfirmationNumber(std::string_view typed);

// "K 7 Q, 4 8 2 1, X": for text-to-speech read-back, with pauses between the groups.
std::string Spoken(std::string_view canonical);

}  // namespace sb::cases
