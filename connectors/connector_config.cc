#include "connectors/connector_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/file_util.h"
#include "common/redact.h"
#include "connectors/secret_file.h"
#include "ingest/toml_parse.h"

namespace faultgraph::connectors {
namespace {

class Checker {
 public:
  explicit Checker(std::string path) : path_(std::move(path)) {}

  Status Error(const toml::node* node, const std::string& what) const {
    std::string where = path_;
    if (node != nullptr && node->source().begin.line > 0)
      where += ":" + std::to_string(node->source().begin.line);
    return Status::InvalidArgument(where + ": " + what);
  }
  Status Keys(const toml::table& t, const std::string& section,
              std::initializer_list<std::string_view> allowed) const {
    for (const auto& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end())
        return Error(&v, "unknown key '" + std::string(k.str()) + "' in " + section);
    }
    return Status::Ok();
  }
  Status Str(const toml::table& t, std::string_view key, const std::string& section,
             std::string* out, bool required = false) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return Error(&t, section + " needs '" + std::string(key) + "'");
      return Status::Ok();
    }
    if (!n->is_string() || n->value<std::string>()->empty())
      return Error(n, "'" + std::string(key) + "' in " + section + " must be a non-empty string");
    *out = *n->value<std::string>();
    return Status::Ok();
  }
  Status Int(const toml::table& t, std::string_view key, const std::string& section, int64_t lo,
             int64_t hi, int64_t* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_integer() || *n->value<int64_t>() < lo || *n->value<int64_t>() > hi)
      return Error(n, "'" + std::string(key) + "' in " + section + " must be a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi));
    *out = *n->value<int64_t>();
    return Status::Ok();
  }

 private:
  std::string path_;
};

Status LoadPostgres(const Checker& ck, const toml::table& t, const std::string& section,
                    PostgresConfig* pg) {
  FG_RETURN_IF_ERROR(ck.Keys(t, section,
                             {"conninfo", "password_file", "table", "query", "cursor_column",
                              "cursor_type", "key_column", "page_size"}));
  FG_RETURN_IF_ERROR(ck.Str(t, "conninfo", section, &pg->conninfo, true));
  if (pg->conninfo.find("password") != std::string::npos)
    return ck.Error(t.get("conninfo"),
                    "'conninfo' in " + section +
                        " holds a password: put it in a file named by 'password_file'");
  FG_RETURN_IF_ERROR(ck.Str(t, "password_file", section, &pg->password_file));
  FG_RETURN_IF_ERROR(ck.Str(t, "table", section, &pg->table));
  FG_RETURN_IF_ERROR(ck.Str(t, "query", section, &pg->query));
  if (pg->table.empty() == pg->query.empty())
    return ck.Error(&t, section + " needs exactly one of 'table' and 'query'");
  FG_RETURN_IF_ERROR(ck.Str(t, "cursor_column", section, &pg->cursor_column));
  FG_RETURN_IF_ERROR(ck.Str(t, "cursor_type", section, &pg->cursor_type));
  if (pg->cursor_type != "timestamp" && pg->cursor_type != "integer")
    return ck.Error(t.get("cursor_type"),
                    "'cursor_type' in " + section + " must be \"timestamp\" or \"integer\"");
  FG_RETURN_IF_ERROR(ck.Str(t, "key_column", section, &pg->key_column, true));
  return ck.Int(t, "page_size", section, 1, 1'000'000, &pg->page_size);
}

Status LoadHttp(const Checker& ck, const toml::table& t, const std::string& section,
                HttpConfig* h) {
  FG_RETURN_IF_ERROR(ck.Keys(t, section,
                             {"url", "token_file", "items_field", "next_field", "cursor_param",
                              "since_param", "limit_param", "modified_field", "key_field",
                              "page_size", "timeout_seconds", "max_retries"}));
  FG_RETURN_IF_ERROR(ck.Str(t, "url", section, &h->url, true));
  if (!h->url.starts_with("http://") && !h->url.starts_with("https://"))
    return ck.Error(t.get("url"), "'url' in " + section + " must start with http:// or https://");
  FG_RETURN_IF_ERROR(ck.Str(t, "token_file", section, &h->token_file));
  for (auto [key, out] :
       {std::pair{"items_field", &h->items_field}, std::pair{"next_field", &h->next_field},
        std::pair{"cursor_param", &h->cursor_param}, std::pair{"since_param", &h->since_param},
        std::pair{"limit_param", &h->limit_param}})
    FG_RETURN_IF_ERROR(ck.Str(t, key, section, out));
  FG_RETURN_IF_ERROR(ck.Str(t, "modified_field", section, &h->modified_field, true));
  FG_RETURN_IF_ERROR(ck.Str(t, "key_field", section, &h->key_field, true));
  FG_RETURN_IF_ERROR(ck.Int(t, "page_size", section, 1, 100'000, &h->page_size));
  FG_RETURN_IF_ERROR(ck.Int(t, "timeout_seconds", section, 1, 3600, &h->timeout_seconds));
  return ck.Int(t, "max_retries", section, 0, 100, &h->max_retries);
}

Status LoadMqtt(const Checker& ck, const toml::table& t, const std::string& section,
                MqttConfig* m) {
  FG_RETURN_IF_ERROR(ck.Keys(t, section,
                             {"host", "port", "topics", "client_id", "username", "password_file",
                              "batch_size", "idle_ms"}));
  FG_RETURN_IF_ERROR(ck.Str(t, "host", section, &m->host));
  FG_RETURN_IF_ERROR(ck.Int(t, "port", section, 1, 65535, &m->port));
  const toml::array* topics = t.get_as<toml::array>("topics");
  if (topics == nullptr || topics->empty())
    return ck.Error(t.get("topics") != nullptr ? t.get("topics") : &t,
                    section + " needs 'topics', a non-empty array of topic filters");
  for (const auto& topic : *topics) {
    if (!topic.is_string() || topic.value<std::string>()->empty())
      return ck.Error(&topic, "'topics' in " + section + " must hold non-empty strings");
    m->topics.push_back(*topic.value<std::string>());
  }
  FG_RETURN_IF_ERROR(ck.Str(t, "client_id", section, &m->client_id, true));
  FG_RETURN_IF_ERROR(ck.Str(t, "username", section, &m->username));
  FG_RETURN_IF_ERROR(ck.Str(t, "password_file", section, &m->password_file));
  FG_RETURN_IF_ERROR(ck.Int(t, "batch_size", section, 1, 1'000'000, &m->batch_size));
  return ck.Int(t, "idle_ms", section, 10, 3'600'000, &m->idle_ms);
}

Status LoadFolder(const Checker& ck, const toml::table& t, const std::string& section,
                  FolderConfig* f) {
  FG_RETURN_IF_ERROR(ck.Keys(t, section, {"path", "pattern"}));
  FG_RETURN_IF_ERROR(ck.Str(t, "path", section, &f->path, true));
  return ck.Str(t, "pattern", section, &f->pattern);
}

bool ValidName(const std::string& n) {
  return !n.empty() && n.size() <= 64 && std::all_of(n.begin(), n.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

// One [[connector]] table (the i-th) into *out; its first problem, or Ok.
Status LoadConnector(const Checker& ck, const toml::node& node, size_t i,
                     const std::filesystem::path& dir, std::set<std::string>* names,
                     ConnectorConfig* out) {
  const toml::table* t = node.as_table();
  std::string section = "[[connector]] #" + std::to_string(i + 1);
  if (t == nullptr) return ck.Error(&node, section + " must be a table");
  FG_RETURN_IF_ERROR(ck.Keys(*t, section,
                             {"name", "type", "mapping", "schedule", "error_budget", "postgres",
                              "folder", "http", "mqtt"}));
  ConnectorConfig& c = *out;
  c.line = static_cast<int>(t->source().begin.line);
  FG_RETURN_IF_ERROR(ck.Str(*t, "name", section, &c.name, true));
  if (!ValidName(c.name))
    return ck.Error(t->get("name"),
                    "connector name '" + c.name + "' must be 1-64 letters, digits, '_' or '-'");
  if (!names->insert(c.name).second)
    return ck.Error(t->get("name"), "connector name '" + c.name + "' is used twice");
  section = "connector '" + c.name + "'";
  FG_RETURN_IF_ERROR(ck.Str(*t, "type", section, &c.type, true));
  FG_RETURN_IF_ERROR(ck.Str(*t, "mapping", section, &c.mapping_path, true));
  std::filesystem::path mp(c.mapping_path);
  if (mp.is_relative()) mp = dir / mp;
  c.mapping_path = mp.lexically_normal().string();
  auto mapping = LoadMapping(c.mapping_path);
  if (!mapping.ok())
    return ck.Error(t->get("mapping"), "mapping of " + section + ": " + mapping.status().message());
  c.mapping = std::move(mapping).value();
  if (const toml::node* s = t->get("schedule")) {
    if (!s->is_string()) return ck.Error(s, "'schedule' in " + section + " must be a string");
    auto cron = CronSchedule::Parse(*s->value<std::string>());
    if (!cron.ok()) return ck.Error(s, section + ": " + cron.status().message());
    c.schedule = std::move(cron).value();
  }
  if (const toml::node* b = t->get("error_budget")) {
    auto v = b->value<double>();
    if (!v || *v < 0 || *v > 1)
      return ck.Error(b, "'error_budget' in " + section + " must be a number from 0 to 1");
    c.error_budget = *v;
  }
  // A relative path in the file is relative to the file's folder.
  auto beside_config = [&dir](std::string* path) {
    std::filesystem::path p(*path);
    if (p.is_relative()) *path = (dir / p).lexically_normal().string();
  };
  const toml::table* pg = t->get_as<toml::table>("postgres");
  const toml::table* folder = t->get_as<toml::table>("folder");
  if (c.type == "postgres") {
    if (pg == nullptr) return ck.Error(t, section + " of type postgres needs [connector.postgres]");
    FG_RETURN_IF_ERROR(LoadPostgres(ck, *pg, section + " [postgres]", &c.postgres));
    if (!c.postgres.password_file.empty()) beside_config(&c.postgres.password_file);
  } else if (c.type == "folder") {
    if (folder == nullptr) return ck.Error(t, section + " of type folder needs [connector.folder]");
    FG_RETURN_IF_ERROR(LoadFolder(ck, *folder, section + " [folder]", &c.folder));
    beside_config(&c.folder.path);
  } else if (c.type == "http") {
    const toml::table* http = t->get_as<toml::table>("http");
    if (http == nullptr) return ck.Error(t, section + " of type http needs [connector.http]");
    FG_RETURN_IF_ERROR(LoadHttp(ck, *http, section + " [http]", &c.http));
    if (!c.http.token_file.empty()) beside_config(&c.http.token_file);
  } else if (c.type == "mqtt") {
    const toml::table* mqtt = t->get_as<toml::table>("mqtt");
    if (mqtt == nullptr) return ck.Error(t, section + " of type mqtt needs [connector.mqtt]");
    FG_RETURN_IF_ERROR(LoadMqtt(ck, *mqtt, section + " [mqtt]", &c.mqtt));
    if (!c.mqtt.password_file.empty()) beside_config(&c.mqtt.password_file);
  } else {
    return ck.Error(
        t->get("type"),
        "'type' of " + section + " must be postgres, http, mqtt or folder, not '" + c.type + "'");
  }
  if ((pg != nullptr && c.type != "postgres") || (folder != nullptr && c.type != "folder") ||
      (t->get("http") != nullptr && c.type != "http") ||
      (t->get("mqtt") != nullptr && c.type != "mqtt"))
    return ck.Error(t, section + " of type " + c.type + " has settings of another type");
  return Status::Ok();
}

}  // namespace

const ConnectorConfig* ConnectorsFile::Find(const std::string& name) const {
  for (const auto& c : connectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<ConnectorsFile> LoadConnectors(const std::string& path, const LoadOptions& options) {
  auto text = ReadFileToString(path, "connectors file");
  if (!text.ok()) return text.status();
  auto doc = ingest::ParseToml(*text, path);
  if (!doc.ok()) return doc.status();
  Checker ck(path);
  std::vector<std::string> errors;
  if (Status s = ck.Keys(*doc, "the file (only [[connector]] tables)", {"connector"}); !s.ok())
    errors.push_back(s.message());
  const toml::array* list = doc->get_as<toml::array>("connector");
  if (list == nullptr || list->empty()) errors.push_back(path + ": no [[connector]] defined");
  ConnectorsFile out;
  out.path = path;
  std::set<std::string> names;
  const auto dir = std::filesystem::path(path).parent_path();
  for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
    ConnectorConfig c;
    if (Status s = LoadConnector(ck, (*list)[i], i, dir, &names, &c); !s.ok()) {
      errors.push_back(s.message());
      continue;  // the next connector's problems are reported too
    }
    RegisterSecrets(c);
    if (options.check_secret_files) {
      const toml::table* settings = (*list)[i].as_table()->get_as<toml::table>(c.type);
      for (const auto& f : SecretFiles(c)) {
        if (Status s = CheckSecretFile(f.path, f.what); !s.ok())
          errors.push_back(ck.Error(settings->get(f.key), s.message()).message());
      }
      // A drop folder that is not there fails every run: say so now.
      std::error_code ec;
      if (c.type == "folder" && !std::filesystem::is_directory(c.folder.path, ec))
        errors.push_back(
            ck.Error(settings != nullptr ? settings->get("path") : nullptr,
                     "folder of connector '" + c.name + "' " + c.folder.path +
                         (std::filesystem::exists(c.folder.path, ec) ? " is not a directory"
                                                                     : " does not exist"))
                .message());
    }
    out.connectors.push_back(std::move(c));
  }
  if (errors.empty()) return out;
  std::string message =
      errors.size() == 1 ? errors[0] : path + ": " + std::to_string(errors.size()) + " problems:";
  for (size_t k = 0; errors.size() > 1 && k < errors.size(); ++k) message += "\n" + errors[k];
  return Status::InvalidArgument(Redact(message));
}

}  // namespace faultgraph::connectors
