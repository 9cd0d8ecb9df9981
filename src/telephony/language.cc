// Prompts in the caller's language (telephony.h, [sip] languages in config.h).

#include <chrono>
#include <string>
#include <vector>

#include "telephony/telephony.h"

namespace sb::telephony {

void Telephony::LoadLanguages() {
  if (config_.languages.empty()) return;
  const std::string prefix = config_.sounds + "/";
  std::vector<std::string> defaults;
  for (const auto& [path, clip] : clips_) {
    if (path.rfind(prefix, 0) == 0) defaults.push_back(path);
  }
  for (const auto& [language, dir] : config_.languages) {
    std::size_t found = 0;
    for (const std::string& path : defaults) {
      // A sound the language lacks is said in the default one: nothing to load.
      if (LoadClip(dir + "/" + path.substr(prefix.size())).ok()) ++found;
    }
    Log(found ? "info" : "warn", "telephony: sounds of a language",
        {{"language", language},
         {"dir", dir},
         {"found", std::to_string(found)},
         {"of", std::to_string(defaults.size())}});
  }
}

bool Telephony::PickLanguage(Leg& leg) {
  if (leg.language_known || config_.languages.empty()) return true;
  if (leg.contact == 0) return false;
  const std::optional<std::string> language = ctl_.LanguageOf(leg.contact);
  if (!language) return false;  // the look-up still runs
  leg.language_known = true;
  auto it = config_.languages.find(*language);
  if (it == config_.languages.end()) return true;
  leg.lang_dir = it->second;
  Log("info", "telephony: the caller's language",
      {{"contact", std::to_string(leg.contact)}, {"language", *language}});
  return true;
}

void Telephony::EnterFirstMenu(sip::LegId id, int waits) {
  Leg* leg = Find(id);
  if (!leg || leg->gone || !leg->in_ivr || leg->menu) return;
  // The record's look-up started with the call and takes microseconds: its language is waited
  // for, in steps of 10 ms up to 200 ms, before the first prompt; then it plays as it is.
  if (!PickLanguage(*leg) && waits > 0 && hooks_.after) {
    hooks_.after(std::chrono::milliseconds(10),
                 [this, id, waits] { EnterFirstMenu(id, waits - 1); });
    return;
  }
  EnterMenu(*leg, menu_of_.at(leg->dialled->ivr));
}

std::string Telephony::Localized(const Leg& leg, const std::string& path) const {
  if (leg.lang_dir.empty() || path.size() <= config_.sounds.size() + 1 ||
      path.compare(0, config_.sounds.size(), config_.sounds) != 0 ||
      path[config_.sounds.size()] != '/') {
    return path;
  }
  // The loaded clips are keyed by path: the language's version is there when it exists.
  std::string local = leg.lang_dir + path.substr(config_.sounds.size());
  return clips_.contains(local) ? local : path;
}

}  // namespace sb::telephony
