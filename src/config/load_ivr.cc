// [[sip.ivr]] menus and their choices -> config::IvrMenu (config.h).

#include <set>

#include "base/utf8.h"
#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr std::size_t kMaxMenus = 256;  // [[sip.ivr]] menus

bool IsMenuKey(std::string_view k) {
  return k.size() == 1 && ((k[0] >= '0' && k[0] <= '9') || k[0] == '*' || k[0] == '#');
}

// A menu reference to check once every menu is known.
struct MenuRef {
  std::size_t from;  // the menu it is in
  std::string to;
  bool fallback;  // the menu's `default`: followed without input
  std::string place;
};

// One choice: a table with exactly one of queue (alone), menu, collect (+ then_queue), callback
// (+ queue).
Status ReadChoice(const std::string& file, const toml::node* node, const std::string& where,
                  const TelephonyConfig& c, const core::EngineSettings& engine, std::size_t menu,
                  bool fallback, IvrChoice* out, std::vector<MenuRef>* refs) {
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    return InvalidArgument(
        Printable(file + ":" + std::to_string(node->source().begin.line) + ": " + where +
                      ": expected a table like { queue = \"support\" }, { menu = \"billing\" }, "
                      "{ collect = \"id\", then_queue = \"support\", max_digits = 12 } or "
                      "{ callback = true, queue = \"support\" }",
                  internal::kMaxMessageBytes));
  }
  internal::Reader r(file, *t, where);
  SB_RETURN_IF_ERROR(
      r.OnlyKeys({"queue", "menu", "collect", "then_queue", "max_digits", "prompt", "callback"}));
  const int kinds = (r.Get("menu") ? 1 : 0) + (r.Get("collect") ? 1 : 0) +
                    (r.Get("callback") ? 1 : 0) + (r.Get("queue") && !r.Get("callback") ? 1 : 0);
  if (kinds != 1) {
    return r.Error(nullptr, "menu",
                   "give exactly one of queue, menu, collect (with then_queue) or callback "
                   "(with queue)");
  }
  auto queue = [&](std::string_view key) -> Status {
    SB_RETURN_IF_ERROR(r.String(key, &out->target, true));
    if (!core::FindQueue(engine, out->target).valid()) {
      return r.Error(r.Get(key), key, "no queue named '" + out->target + "'");
    }
    return Status::Ok();
  };
  for (std::string_view k : {"then_queue", "max_digits", "prompt"}) {
    if (r.Get(k) && !r.Get("collect")) return r.Error(r.Get(k), k, "goes with collect only");
  }
  if (r.Get("menu")) {
    out->kind = IvrChoice::Kind::kMenu;
    SB_RETURN_IF_ERROR(r.String("menu", &out->target, true));
    refs->push_back(MenuRef{menu, out->target, fallback, r.Place(r.Get("menu"), "menu")});
  } else if (r.Get("collect")) {
    out->kind = IvrChoice::Kind::kCollect;
    std::string what;
    SB_RETURN_IF_ERROR(r.String("collect", &what, true));
    if (what != "id" && what != "pin") {
      return r.Error(r.Get("collect"), "collect",
                     "expected \"id\" (an account or case number: the screen pop looks it up) "
                     "or \"pin\"");
    }
    out->pin = what == "pin";
    if (r.Get("queue")) return r.Error(r.Get("queue"), "queue", "with collect, say then_queue");
    SB_RETURN_IF_ERROR(queue("then_queue"));
    out->max_digits = 0;
    SB_RETURN_IF_ERROR(r.Int("max_digits", 1, 32, &out->max_digits));
    if (out->max_digits == 0) {
      return r.Error(nullptr, "max_digits", "is required with collect (1 to 32)");
    }
    SB_RETURN_IF_ERROR(SoundList(r, "prompt", c.sounds, &out->prompt));
  } else if (r.Get("callback")) {
    out->kind = IvrChoice::Kind::kCallback;
    bool on = false;
    SB_RETURN_IF_ERROR(r.Bool("callback", &on));
    if (!on) return r.Error(r.Get("callback"), "callback", "expected true (or leave it out)");
    SB_RETURN_IF_ERROR(queue("queue"));
  } else {
    out->kind = IvrChoice::Kind::kQueue;
    SB_RETURN_IF_ERROR(queue("queue"));
  }
  return Status::Ok();
}

}  // namespace

Status ReadMenus(const std::string& file, const toml::table& sip, TelephonyConfig* c,
                 const core::EngineSettings& engine) {
  std::vector<MenuRef> refs;
  std::set<std::string> names;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, sip, "ivr", [&](const toml::table& t) {
    if (c->menus.size() >= kMaxMenus) {
      return InvalidArgument(file + ":" + std::to_string(t.source().begin.line) +
                             ": sip.ivr: at most " + std::to_string(kMaxMenus) + " menus");
    }
    internal::Reader r(file, t, "sip.ivr");
    SB_RETURN_IF_ERROR(
        r.OnlyKeys({"name", "prompt", "invalid", "timeout", "retries", "choices", "default"}));
    IvrMenu m;
    SB_RETURN_IF_ERROR(r.String("name", &m.name, true));
    if (m.name.empty() || m.name.size() > 64) {
      return r.Error(r.Get("name"), "name", "expected 1 to 64 characters");
    }
    if (!names.insert(m.name).second) {
      return r.Error(r.Get("name"), "name", "declared already; each menu once");
    }
    internal::Reader n(file, t, "sip.ivr '" + m.name + "'");
    if (!n.Get("prompt")) return n.Error(nullptr, "prompt", "is required (WAV files)");
    SB_RETURN_IF_ERROR(SoundList(n, "prompt", c->sounds, &m.prompt));
    SB_RETURN_IF_ERROR(SoundList(n, "invalid", c->sounds, &m.invalid));
    SB_RETURN_IF_ERROR(n.Dur("timeout", &m.timeout));
    if (m.timeout < std::chrono::seconds(1) || m.timeout > std::chrono::seconds(60)) {
      return n.Error(n.Get("timeout"), "timeout", "expected 1s to 60s");
    }
    SB_RETURN_IF_ERROR(n.Int("retries", 0, 10, &m.retries));
    const std::size_t index = c->menus.size();
    if (const toml::node* ch = n.Get("choices")) {
      const toml::table* ct = ch->as_table();
      if (ct == nullptr || ct->empty()) {
        return n.Error(ch, "choices",
                       "expected a table of keys, e.g. { \"1\" = { queue = \"q\" } }");
      }
      for (const auto& [k, v] : *ct) {
        if (!IsMenuKey(k.str())) {
          return n.Error(&v, "choices",
                         "expected keys 0-9, * or #, got \"" + std::string(k.str()) + "\"");
        }
        IvrChoice choice;
        SB_RETURN_IF_ERROR(ReadChoice(
            file, &v, "sip.ivr '" + m.name + "': choices: \"" + std::string(k.str()) + "\"", *c,
            engine, index, false, &choice, &refs));
        m.choices[k.str()[0]] = std::move(choice);
      }
    } else {
      return n.Error(nullptr, "choices", "is required (what each key does)");
    }
    if (const toml::node* d = n.Get("default")) {
      m.has_fallback = true;
      SB_RETURN_IF_ERROR(ReadChoice(file, d, "sip.ivr '" + m.name + "': default", *c, engine, index,
                                    true, &m.fallback, &refs));
    }
    c->menus.push_back(std::move(m));
    return Status::Ok();
  }));
  auto find = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < c->menus.size(); ++i) {
      if (c->menus[i].name == name) return i;
    }
    return c->menus.size();
  };
  for (const MenuRef& ref : refs) {
    if (find(ref.to) == c->menus.size()) {
      return InvalidArgument(Printable(ref.place + ": no [[sip.ivr]] menu named '" + ref.to + "'",
                                       internal::kMaxMessageBytes));
    }
  }
  // A caller who presses nothing follows the defaults: they must reach a queue or a hang-up,
  // never go round menus for ever.
  for (const MenuRef& ref : refs) {
    if (!ref.fallback) continue;
    std::size_t at = find(ref.to);
    for (std::size_t steps = 0; steps <= c->menus.size(); ++steps) {
      if (at == ref.from) {
        return InvalidArgument(
            Printable(ref.place + ": the defaults lead back to menu '" + c->menus[ref.from].name +
                          "' (a caller who presses nothing would go round for ever)",
                      internal::kMaxMessageBytes));
      }
      const IvrMenu& m = c->menus[at];
      if (!m.has_fallback || m.fallback.kind != IvrChoice::Kind::kMenu) break;
      at = find(m.fallback.target);
    }
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
