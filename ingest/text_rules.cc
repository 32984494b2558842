#include "ingest/text_rules.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include "common/file_util.h"
#include "ingest/text.h"
#include "ingest/toml_parse.h"
#include "text/text_fold.h"

namespace faultgraph::ingest {

struct TextRules::Compiled {
  std::map<std::string, std::vector<std::unique_ptr<re2::RE2>>> codes;  // family -> patterns
  std::vector<std::unique_ptr<re2::RE2>> parts;
  std::unique_ptr<re2::RE2::Set> symptoms;
};

namespace {

constexpr const char* kDefaultCodePattern = R"(\b([EFPHUL][0-9]{1,3})\b)";
// The same list as ops/config/text_rules.toml [pii] name_labels.
const std::vector<std::string> kDefaultNameLabels = {
    "联系人", "聯繫人", "联络人", "聯絡人", "客户",   "客戶",   "用户",     "用戶",
    "顾客",   "顧客",   "姓名",   "户名",   "戶名",   "机主",   "機主",     "业主",
    "業主",   "报修人", "報修人", "收件人", "收货人", "收貨人", "customer", "contact",
    "name",   "client", "caller", "owner",  "attn"};

Status CompileInto(const std::string& pattern, const std::string& where,
                   std::vector<std::unique_ptr<re2::RE2>>* out) {
  re2::RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, o);
  if (!re->ok())
    return Status::InvalidArgument(where + ": pattern '" + pattern +
                                   "' does not compile: " + re->error());
  if (re->NumberOfCapturingGroups() > 1) {
    return Status::InvalidArgument(where + ": pattern '" + pattern +
                                   "' has more than one capturing group");
  }
  out->push_back(std::move(re));
  return Status::Ok();
}

std::string Where(const std::string& path, const toml::node* n) {
  if (n != nullptr && n->source().begin.line > 0)
    return path + ":" + std::to_string(n->source().begin.line);
  return path;
}

std::vector<std::string> FindAll(const std::vector<std::unique_ptr<re2::RE2>>& patterns,
                                 std::string_view text) {
  std::vector<std::string> out;
  for (const auto& re : patterns) {
    re2::StringPiece input(text.data(), text.size());
    re2::StringPiece match;
    bool group = re->NumberOfCapturingGroups() == 1;
    while (group ? re2::RE2::FindAndConsume(&input, *re, &match)
                 : re2::RE2::FindAndConsume(&input, *re)) {
      if (!group) break;  // patterns need a group to say what to take
      std::string v = ToUpperAscii(std::string_view(match.data(), match.size()));
      if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
      if (match.empty()) break;
    }
  }
  return out;
}

}  // namespace

TextRules::TextRules() : re_(std::make_unique<Compiled>()) {}
TextRules::~TextRules() = default;

std::unique_ptr<TextRules> TextRules::Defaults() {
  auto r = Parse("", "(built-in text rules)");
  assert(r.ok());
  return std::move(r).value();
}

// ingest/shipped_rules.cc, generated from ops/config/text_rules.toml.
extern const std::string_view kShippedTextRules;

std::unique_ptr<TextRules> TextRules::Shipped() {
  auto r = Parse(kShippedTextRules, kShippedName);
  if (!r.ok()) {
    // A build defect (text_rules_test parses the same file), not an input error.
    std::fprintf(stderr, "faultgraph: %s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

Result<std::unique_ptr<TextRules>> TextRules::LoadOrShipped(const std::string& path) {
  if (path.empty()) return Shipped();
  return Load(path);
}

Result<std::unique_ptr<TextRules>> TextRules::Load(const std::string& path) {
  auto text = ReadFileToString(path, "text rules file");
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Result<std::unique_ptr<TextRules>> TextRules::Parse(std::string_view text,
                                                    const std::string& path) {
  auto parsed = ParseToml(text, path);
  if (!parsed.ok()) return parsed.status();
  const toml::table& root = *parsed;
  auto rules = std::unique_ptr<TextRules>(new TextRules());
  auto folder = text::TextFolder::Shared();
  if (!folder.ok()) return folder.status();
  rules->folder_ = folder.value();

  for (const auto& [k, v] : root) {
    std::string key(k.str());
    if (key != "codes" && key != "parts" && key != "pii" && key != "symptom" && key != "cause") {
      return Status::InvalidArgument(Where(path, &v) + ": unknown section '" + key +
                                     "' (expected codes, parts, pii, symptom, cause)");
    }
  }
  auto string_list = [&](const toml::node* n, const std::string& name,
                         std::vector<std::string>* out) -> Status {
    const toml::array* a = n == nullptr ? nullptr : n->as_array();
    if (a == nullptr)
      return Status::InvalidArgument(Where(path, n) + ": '" + name +
                                     "' must be an array of strings");
    for (const auto& item : *a) {
      if (!item.is_string())
        return Status::InvalidArgument(Where(path, &item) + ": '" + name +
                                       "' must hold only strings");
      out->push_back(item.value<std::string>().value());
    }
    return Status::Ok();
  };

  // [codes] family = ["pattern", ...]; "default" applies to families without their own.
  if (const toml::node* codes = root.get("codes")) {
    const toml::table* t = codes->as_table();
    if (t == nullptr)
      return Status::InvalidArgument(Where(path, codes) + ": [codes] must be a table");
    for (const auto& [family, patterns] : *t) {
      std::vector<std::string> list;
      std::string name = "codes." + std::string(family.str());
      FG_RETURN_IF_ERROR(string_list(&patterns, name, &list));
      auto& compiled = rules->re_->codes[ToUpperAscii(family.str())];
      for (const auto& p : list)
        FG_RETURN_IF_ERROR(CompileInto(p, Where(path, &patterns) + " " + name, &compiled));
    }
  }
  if (rules->re_->codes.find("DEFAULT") == rules->re_->codes.end()) {
    FG_RETURN_IF_ERROR(CompileInto(kDefaultCodePattern, "built-in", &rules->re_->codes["DEFAULT"]));
  }
  if (const toml::node* parts = root.get("parts")) {
    const toml::table* t = parts->as_table();
    if (t == nullptr)
      return Status::InvalidArgument(Where(path, parts) + ": [parts] must be a table");
    std::vector<std::string> list;
    if (t->get("patterns") != nullptr)
      FG_RETURN_IF_ERROR(string_list(t->get("patterns"), "parts.patterns", &list));
    for (const auto& p : list)
      FG_RETURN_IF_ERROR(
          CompileInto(p, Where(path, t->get("patterns")) + " parts.patterns", &rules->re_->parts));
  }
  std::vector<std::string> labels = kDefaultNameLabels;
  if (const toml::node* pii = root.get("pii")) {
    const toml::table* t = pii->as_table();
    if (t == nullptr) return Status::InvalidArgument(Where(path, pii) + ": [pii] must be a table");
    if (t->get("name_labels") != nullptr) {
      labels.clear();
      FG_RETURN_IF_ERROR(string_list(t->get("name_labels"), "pii.name_labels", &labels));
    }
  }
  rules->masker_ = std::make_unique<PiiMasker>(labels);

  // `name = { en = "...", zh-CN = "..." }` of a symptom or cause (absent:
  // none); `what` and the example name it in an error.
  auto names = [&](const toml::node* name, const std::string& what, const char* en_example,
                   const char* zh_example,
                   std::map<std::string, std::string, std::less<>>* out) -> Status {
    if (name == nullptr) return Status::Ok();
    const toml::table* table = name->as_table();
    if (table == nullptr)
      return Status::InvalidArgument(Where(path, name) + ": " + what +
                                     " name must be a table such as { en = \"" + en_example +
                                     "\", zh-CN = \"" + zh_example + "\" }");
    for (const auto& [lang, text] : *table) {
      const auto value = text.value<std::string>();
      if ((lang.str() != "en" && lang.str() != "zh-CN") || !value || value->empty())
        return Status::InvalidArgument(Where(path, &text) + ": " + what + " name '" +
                                       std::string(lang.str()) +
                                       "' must be a non-empty string for en or zh-CN");
      (*out)[std::string(lang.str())] = *value;
    }
    return Status::Ok();
  };
  // Every [[KIND]] table of the file (none: OK), with its non-empty 'id';
  // `what` names the section in an error.
  auto each_entry =
      [&](const char* kind, const char* what,
          const std::function<Status(const toml::node&, const toml::table*, const std::string*)>&
              fn) -> Status {
    const toml::node* section = root.get(kind);
    if (section == nullptr) return Status::Ok();
    const std::string brackets = std::string("[[") + kind + "]]";
    const toml::array* a = section->as_array();
    if (a == nullptr)
      return Status::InvalidArgument(Where(path, section) + ": " + what + " are written " +
                                     brackets);
    for (const auto& entry : *a) {
      const toml::table* t = entry.as_table();
      if (t == nullptr)
        return Status::InvalidArgument(Where(path, &entry) + ": a " + brackets +
                                       " must be a table");
      auto id = t->get("id") ? t->get("id")->value<std::string>() : std::nullopt;
      if (!id || id->empty())
        return Status::InvalidArgument(Where(path, &entry) + ": a " + brackets + " needs an 'id'");
      FG_RETURN_IF_ERROR(fn(entry, t, &*id));
    }
    return Status::Ok();
  };
  // [[symptom]] id = "no_cooling"  patterns = ["不制冷", "not cooling"]
  re2::RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  rules->re_->symptoms = std::make_unique<re2::RE2::Set>(o, re2::RE2::UNANCHORED);
  FG_RETURN_IF_ERROR(each_entry(
      "symptom", "symptom rules",
      [&](const toml::node& entry, const toml::table* t, const std::string* id) -> Status {
        std::vector<std::string> patterns;
        FG_RETURN_IF_ERROR(
            string_list(t->get("patterns"), "symptom '" + *id + "' patterns", &patterns));
        if (patterns.empty())
          return Status::InvalidArgument(Where(path, &entry) + ": symptom '" + *id +
                                         "' has no patterns");
        std::string alternation;
        for (const auto& p : patterns) {
          // Rules are matched on folded text: fold their literal parts too.
          std::string folded = rules->folder_->Fold(p);
          re2::RE2 check(folded, o);
          if (!check.ok()) {
            return Status::InvalidArgument(Where(path, t->get("patterns")) + ": symptom '" + *id +
                                           "' pattern '" + p +
                                           "' does not compile: " + check.error());
          }
          alternation += (alternation.empty() ? "" : "|") + std::string("(?:") + folded + ")";
        }
        std::string error;
        if (rules->re_->symptoms->Add(alternation, &error) < 0) {
          return Status::InvalidArgument(Where(path, &entry) + ": symptom '" + *id + "': " + error);
        }
        rules->symptom_ids_.push_back(*id);
        return names(t->get("name"), "symptom '" + *id + "'", "no cooling", "不制冷",
                     &rules->symptom_names_[*id]);
      }));
  // [[cause]] id = "winding_short"  name = { en = "winding short", zh-CN = "绕组短路" }:
  // how a failure cause recorded as an id reads.
  FG_RETURN_IF_ERROR(each_entry(
      "cause", "cause names",
      [&](const toml::node& entry, const toml::table* t, const std::string* id) -> Status {
        if (t->get("name") == nullptr)
          return Status::InvalidArgument(Where(path, &entry) + ": cause '" + *id +
                                         "' needs a name");
        return names(t->get("name"), "cause '" + *id + "'", "winding short", "绕组短路",
                     &rules->cause_names_[*id]);
      }));
  if (!rules->re_->symptoms->Compile())
    return Status::InvalidArgument(path + ": symptom rules too large to compile");
  return rules;
}

std::vector<std::string> TextRules::ExtractCodes(const std::string& family,
                                                 std::string_view text) const {
  auto it = re_->codes.find(ToUpperAscii(family));
  if (it == re_->codes.end()) it = re_->codes.find("DEFAULT");
  return FindAll(it->second, text);
}

std::vector<std::string> TextRules::ExtractParts(std::string_view text) const {
  return FindAll(re_->parts, text);
}

std::vector<std::string> TextRules::MatchSymptoms(std::string_view folded) const {
  std::vector<int> hits;
  if (symptom_ids_.empty() ||
      !re_->symptoms->Match(re2::StringPiece(folded.data(), folded.size()), &hits)) {
    return {};
  }
  std::sort(hits.begin(), hits.end());
  std::vector<std::string> out;
  for (int h : hits) out.push_back(symptom_ids_[h]);
  return out;
}

namespace {

std::string NameIn(const TextRules::Names& names, std::string_view id, std::string_view lang) {
  auto it = names.find(id);
  if (it == names.end()) return "";
  auto name = it->second.find(lang);
  return name == it->second.end() ? "" : name->second;
}

}  // namespace

std::string TextRules::SymptomName(std::string_view id, std::string_view lang) const {
  return NameIn(symptom_names_, id, lang);
}

std::string TextRules::CauseName(std::string_view id, std::string_view lang) const {
  return NameIn(cause_names_, id, lang);
}

std::string TextRules::Fold(std::string_view text) const { return folder_->Fold(text); }

}  // namespace faultgraph::ingest
