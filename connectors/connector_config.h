// The connectors file (TOML) that operations IT writes: which sources to
// pull, through which mapping, on which schedule, with which error budget.
//
//   [[connector]]
//   name = "crm_tickets"           # unique; letters, digits, '_', '-'
//   type = "postgres"              # postgres | folder
//   mapping = "mappings/tickets.toml"   # relative to this file
//   schedule = "*/5 * * * *"       # cron (UTC); absent: on demand only
//   error_budget = 0.05            # a run fails when more of its rows are rejected
//
//   [connector.postgres]
//   conninfo = "host=127.0.0.1 port=5432 dbname=crm user=faultgraph"
//   password_file = "/etc/faultgraph/crm.pw"   # never a password in this file
//   table = "tickets"              # or query = "SELECT ... FROM ..."
//   cursor_column = "updated_at"   # timestamp (or integer with cursor_type)
//   cursor_type = "timestamp"      # timestamp | integer
//   key_column = "ticket_no"       # ties on the cursor are ordered by this key
//   page_size = 5000
//
//   [connector.http]               # a REST API: pages of JSON items
//   url = "https://crm.example.com/api/v2/tickets"
//   token_file = "/etc/faultgraph/crm.token"
//   modified_field = "updated_at"  # ISO 8601; the server returns items modified
//   key_field = "id"               #   at or after modified_since, oldest first
//
//   [connector.mqtt]               # sensor alarms; the broker keeps the session
//   host = "127.0.0.1"             #   (client_id) while no run is connected
//   port = 1883
//   topics = ["plant/+/alarms"]
//   client_id = "faultgraph-alarms"
//
//   [connector.folder]
//   path = "/var/spool/faultgraph/calls"   # a drop folder
//   pattern = "*.csv"              # file names to pick up (glob)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/cron.h"
#include "connectors/mapping.h"

namespace faultgraph::connectors {

struct PostgresConfig {
  std::string conninfo;
  std::string password_file;
  std::string table, query;  // one of them
  std::string cursor_column = "updated_at";
  std::string cursor_type = "timestamp";
  std::string key_column;
  int64_t page_size = 5000;
};

struct HttpConfig {
  std::string url;         // the collection: GET url?since=..&cursor=..&limit=..
  std::string token_file;  // "Authorization: Bearer <token>"; never a token in the config
  std::string items_field = "items";  // the page's array of items
  std::string next_field = "next";    // the page's next cursor; absent/null/"": last page
  std::string cursor_param = "cursor";
  std::string since_param = "modified_since";  // items modified at or after (ISO 8601, UTC)
  std::string limit_param = "limit";
  std::string modified_field;  // an item's modification time (ISO 8601): its version
  std::string key_field;       // an item's id
  int64_t page_size = 500;
  int64_t timeout_seconds = 30;  // per request
  int64_t max_retries = 5;       // per request, on 429, 5xx, timeouts and broken pages
};

struct MqttConfig {
  std::string host = "127.0.0.1";
  int64_t port = 1883;
  std::vector<std::string> topics;  // subscribed with QoS 1
  std::string client_id;            // the broker keeps this persistent session's messages
  std::string username, password_file;
  int64_t batch_size = 5000;
  int64_t idle_ms = 2000;  // a run ends after this long without a message
};

struct FolderConfig {
  std::string path;
  std::string pattern = "*";
};

struct ConnectorConfig {
  std::string name;
  std::string type;  // "postgres" | "folder" | "http"
  std::string mapping_path;
  Mapping mapping;
  std::optional<CronSchedule> schedule;
  double error_budget = 0.05;
  int line = 0;  // where it is defined, for messages
  PostgresConfig postgres;
  FolderConfig folder;
  HttpConfig http;
  MqttConfig mqtt;
};

struct ConnectorsFile {
  std::string path;
  std::vector<ConnectorConfig> connectors;
  const ConnectorConfig* Find(const std::string& name) const;
};

struct LoadOptions {
  // Also check what the connectors need on this machine: every secret file
  // they name exists and is open to no one but its owner, every drop folder
  // exists (`--check-config`, `connectors check`). Off: a run checks its own
  // files as it reads them (connectors/secret_file.h).
  bool check_secret_files = false;
};

// Validates the whole file, mappings included, and registers each
// connector's secrets with the process's redactor (connectors/secret_file.h).
// InvalidArgument listing every problem, one a line, each naming the file,
// line and key (a connector's settings are checked up to its first
// problem, then the next connector's); secrets in the message redacted.
Result<ConnectorsFile> LoadConnectors(const std::string& path, const LoadOptions& options = {});

}  // namespace faultgraph::connectors
