// [sip] languages = { fr = "/usr/share/asterisk/sounds/fr_CA_June", ... } (config.h).

#include <string>

#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr std::size_t kMaxLanguages = 64;
constexpr std::size_t kMaxPath = 1024;

// "fr", "pt-BR", "zh-Hant": a BCP 47-like tag of letters and digits, parts joined by '-'.
bool IsLanguageTag(std::string_view s) {
  if (s.empty() || s.size() > 35 || s.front() == '-' || s.back() == '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && !(c == '-' && s[i - 1] != '-')) return false;
  }
  return true;
}

}  // namespace

Status ReadLanguages(const Reader& r, TelephonyConfig* c) {
  const toml::node* node = r.Get("languages");
  if (!node) return Status::Ok();
  const toml::table* t = node->as_table();
  if (!t) {
    return r.Error(node, "languages",
                   "expected a table of language = sounds directory, e.g. { fr = \"/usr/share/"
                   "asterisk/sounds/fr_CA_June\" }");
  }
  if (t->size() > kMaxLanguages) {
    return r.Error(node, "languages",
                   "expected at most " + std::to_string(kMaxLanguages) + " languages");
  }
  for (const auto& [key, value] : *t) {
    const std::string lang(key.str());
    const std::string field = "languages." + lang;
    if (!IsLanguageTag(lang)) {
      return r.Error(&value, field,
                     "expected a language code of letters and digits such as \"fr\" or "
                     "\"pt-BR\", as the records spell it");
    }
    const std::optional<std::string> dir = value.value<std::string>();
    if (!dir || dir->empty() || dir->size() > kMaxPath || (*dir)[0] != '/' ||
        dir->find('\0') != std::string::npos) {
      return r.Error(&value, field, "expected the absolute directory of that language's sounds");
    }
    std::string d = *dir;
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    c->languages[lang] = std::move(d);
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
