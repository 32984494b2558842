// The MQTT source: sensor alarms from a broker (Paho MQTT C, asynchronous
// client), QoS 1, in a persistent session (clean session off, a fixed client
// id) so that the broker keeps what arrives while no run is connected.
//
// No loss across kill -9: Paho's asynchronous client acknowledges a QoS 1
// message only when the arrival callback returns (checked: a process killed
// inside the callback gets the message again on reconnect; libmosquitto 2.0
// and Paho's synchronous client acknowledge before the callback and lose
// it). The callback writes the message to the spool beside the graph
// (graph/spool_store.h; its WAL survives a killed process) and only then
// returns; runs read the spool in
// order and commit each batch with the spool position as checkpoint, so a
// message is applied once, and spooled messages at or below the committed
// position are deleted after. A message delivered twice (acknowledgement
// lost) is the same record: without a key in the mapping its content hash
// is its id.
#include <MQTTAsync.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/hash.h"
#include "common/parse_number.h"
#include "connectors/row_mapper.h"
#include "connectors/runner.h"
#include "connectors/secret_file.h"

namespace faultgraph::connectors {
namespace {

// A message as one JSON line (its own line ends become spaces).
std::string OneLine(const std::string& payload) {
  std::string line = payload;
  for (char& ch : line) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  line += '\n';
  return line;
}

class MqttSource : public BatchSource {
 public:
  MqttSource(graph::GraphStore& store, const ConnectorConfig& c)
      : store_(store), c_(c), mapping_(c.mapping) {}
  ~MqttSource() override {
    if (client_ != nullptr) {
      MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
      d.timeout = 2000;
      MQTTAsync_disconnect(client_, &d);
      for (int i = 0; i < 100 && MQTTAsync_isConnected(client_); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      MQTTAsync_destroy(&client_);
    }
  }

  Status Open(ingest::IngestPipeline& pipeline) {
    stream_ = MqttStream(c_);
    columns_ = ReferencedColumns(mapping_);
    where_ = "mqtt " + c_.mqtt.host + ":" + std::to_string(c_.mqtt.port);
    mapper_ = std::make_unique<RowMapper>(mapping_, columns_, Encoding::kUtf8, stream_, where_);
    auto pos = pipeline.CheckpointPosition(mapping_.source, stream_);
    if (!pos.ok()) return pos.status();
    committed_ = 0;
    if (!pos->empty() && !ParseInteger(*pos, &committed_)) return BadCheckpoint(*pos);
    read_ = committed_;
    deleted_ = committed_;
    auto spool = store_.Spool();
    if (!spool.ok()) return spool.status();
    spool_ = *spool;
    auto last = spool_->Last(c_.name);
    if (!last.ok()) return last.status();
    uint64_t last_seq = std::max(*last, committed_);
    next_ = last_seq + 1;
    spooled_ = last_seq;

    std::string password;
    if (!c_.mqtt.password_file.empty()) {
      auto pw =
          ReadSecretFile(c_.mqtt.password_file, "password_file of connector '" + c_.name + "'");
      if (!pw.ok()) return pw.status();
      password = *pw;
    }
    std::string uri = "tcp://" + c_.mqtt.host + ":" + std::to_string(c_.mqtt.port);
    if (MQTTAsync_create(&client_, uri.c_str(), c_.mqtt.client_id.c_str(),
                         MQTTCLIENT_PERSISTENCE_NONE, nullptr) != MQTTASYNC_SUCCESS)
      return Status::InvalidArgument("connector " + c_.name + ": bad broker address " + uri);
    MQTTAsync_setCallbacks(client_, this, nullptr, &Arrived, nullptr);
    MQTTAsync_connectOptions o = MQTTAsync_connectOptions_initializer;
    o.cleansession = 0;  // the broker keeps the session's messages between runs
    o.keepAliveInterval = 30;
    o.connectTimeout = 10;
    o.automaticReconnect = 1;
    o.onSuccess = &Connected;
    o.onFailure = &Failed;
    o.context = this;
    if (!c_.mqtt.username.empty()) o.username = c_.mqtt.username.c_str();
    if (!password.empty()) o.password = password.c_str();
    if (MQTTAsync_connect(client_, &o) != MQTTASYNC_SUCCESS)
      return Status::IOError("connector " + c_.name + ": cannot start connecting to " + uri);
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(15),
                      [&] { return subscribed_ || !error_.empty(); }))
      return Status::IOError("connector " + c_.name + ": no answer from the broker at " + uri);
    if (!error_.empty())
      return Status::IOError("connector " + c_.name + ": " + uri + ": " + error_);
    last_arrival_ = std::chrono::steady_clock::now();
    return Status::Ok();
  }

  Result<bool> NextBatch(ingest::SourceBatch* batch) override {
    FG_RETURN_IF_ERROR(DeleteCommitted());
    {
      // Wait for a message, or until the broker has been quiet for idle_ms.
      std::unique_lock<std::mutex> lock(mu_);
      auto idle = std::chrono::milliseconds(c_.mqtt.idle_ms);
      while (spooled_ <= read_) {
        if (!spool_error_.empty()) return Status::IOError(spool_error_);
        auto quiet = std::chrono::steady_clock::now() - last_arrival_;
        if (quiet >= idle) return false;
        reader_waiting_ = true;
        cv_.wait_for(lock, idle - quiet);
        reader_waiting_ = false;
      }
    }
    auto rows = spool_->Read(c_.name, read_ + 1, static_cast<size_t>(c_.mqtt.batch_size));
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return false;
    batch->source = mapping_.source;
    batch->stream = stream_;
    batch->rows.clear();
    batch->rejected.clear();
    for (const auto& [seq, value] : *rows) {
      size_t nul = value.find('\0');
      std::string topic = value.substr(0, nul);
      std::string payload = nul == std::string::npos ? "" : value.substr(nul + 1);
      SourceRow row;
      ingest::RawRecord rec;
      Status mapped = Status::InvalidArgument("empty message");
      if (payload.size() > mapping_.limits.max_row_bytes) {
        // Not copied nor parsed: one dead letter naming the limit.
        mapped = Status::InvalidArgument(
            OverLimit("message", payload.size(), "max_row_bytes", mapping_.limits.max_row_bytes));
        payload = Preview(payload, kDeadLetterRawBytes);
      } else if (std::string line = OneLine(payload);
                 NewJsonlSource(line, columns_, {mapping_.limits, nullptr})->Next(&row)) {
        row.line = 0;
        row.begin = row.end = Fnv1a64(topic + '\x1f' + payload);
        mapped = row.error.empty() ? mapper_->Map(row, columns_, &rec)
                                   : Status::InvalidArgument(row.error);
      }
      if (mapped.ok()) {
        rec.position.file = where_ + " topic " + topic;
        batch->rows.push_back(std::move(rec));
      } else {
        ingest::SourcePosition pos{stream_, where_ + " topic " + topic, 0,
                                   Fnv1a64(topic + '\x1f' + payload), 0};
        batch->rejected.push_back({pos, mapped.message(), Preview(payload, kDeadLetterRawBytes)});
      }
      read_ = seq;
    }
    batch->checkpoint_position = std::to_string(read_);
    batch->checkpoint_description = "message " + std::to_string(read_) + " of the spool";
    return true;
  }

 private:
  // The stream's checkpoint is a spool number; anything else is damage.
  Status BadCheckpoint(const std::string& position) const {
    return Status::Corruption("connector " + c_.name + ": the checkpoint of " + stream_ + " is '" +
                              position.substr(0, 40) +
                              "', not a spool position (reset the connector to read the spool "
                              "again from its start)");
  }

  // Spooled messages the graph has committed are not needed any more.
  Status DeleteCommitted() {
    auto pos = store_.GetCheckpoint(mapping_.source, stream_);
    if (!pos.ok()) return pos.status();
    if (!pos->has_value() || (*pos)->position.empty()) return Status::Ok();
    if (!ParseInteger((*pos)->position, &committed_)) return BadCheckpoint((*pos)->position);
    if (committed_ <= deleted_) return Status::Ok();
    FG_RETURN_IF_ERROR(spool_->DropUpTo(c_.name, committed_));
    deleted_ = committed_;
    return Status::Ok();
  }

  // On Paho's thread: an exception must not leave it (it would end the
  // process); the message is then not acknowledged and the run fails.
  static int Arrived(void* ctx, char* topic, int topic_len, MQTTAsync_message* m) {
    auto* self = static_cast<MqttSource*>(ctx);
    try {
      return Spool(self, topic, topic_len, m);
    } catch (...) {
      Status s = CurrentExceptionStatus("connector " + self->c_.name + ": cannot spool");
      std::lock_guard<std::mutex> lock(self->mu_);
      self->spool_error_ = s.message();
      self->cv_.notify_all();
      return 0;
    }
  }
  static int Spool(MqttSource* self, char* topic, int topic_len, MQTTAsync_message* m) {
    std::string t =
        topic_len > 0 ? std::string(topic, static_cast<size_t>(topic_len)) : std::string(topic);
    std::string value =
        t + '\0' +
        std::string(static_cast<const char*>(m->payload), static_cast<size_t>(m->payloadlen));
    // Spooled (the WAL survives a killed process) before returning 1, which
    // is when the client acknowledges the message to the broker.
    Status s = self->spool_->Append(self->c_.name, self->next_, value);
    std::lock_guard<std::mutex> lock(self->mu_);
    if (!s.ok()) {
      self->spool_error_ = "connector " + self->c_.name + ": cannot spool: " + s.message();
      self->cv_.notify_all();
      return 0;  // not acknowledged: the client offers it again
    }
    self->spooled_ = self->next_++;
    self->last_arrival_ = std::chrono::steady_clock::now();
    // A wake-up is a system call, and costly on a VM: only when the run
    // waits for messages.
    if (self->reader_waiting_) self->cv_.notify_all();
    MQTTAsync_freeMessage(&m);
    MQTTAsync_free(topic);
    return 1;
  }

  static void Connected(void* ctx, MQTTAsync_successData*) {
    auto* self = static_cast<MqttSource*>(ctx);
    std::vector<char*> topics;
    std::vector<int> qos;
    for (const auto& t : self->c_.mqtt.topics) {
      topics.push_back(const_cast<char*>(t.c_str()));
      qos.push_back(1);
    }
    MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
    ro.onSuccess = &Subscribed;
    ro.onFailure = &Failed;
    ro.context = self;
    MQTTAsync_subscribeMany(self->client_, static_cast<int>(topics.size()), topics.data(),
                            qos.data(), &ro);
  }
  static void Subscribed(void* ctx, MQTTAsync_successData*) {
    auto* self = static_cast<MqttSource*>(ctx);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->subscribed_ = true;
    self->cv_.notify_all();
  }
  static void Failed(void* ctx, MQTTAsync_failureData* f) {
    auto* self = static_cast<MqttSource*>(ctx);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->error_ = f != nullptr && f->message != nullptr
                       ? f->message
                       : "connect or subscribe failed (code " +
                             std::to_string(f != nullptr ? f->code : -1) + ")";
    self->cv_.notify_all();
  }

  graph::GraphStore& store_;
  graph::SpoolStore* spool_ = nullptr;  // the store's
  const ConnectorConfig& c_;
  Mapping mapping_;
  MQTTAsync client_ = nullptr;
  std::string stream_, where_;
  std::vector<std::string> columns_;
  std::unique_ptr<RowMapper> mapper_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool subscribed_ = false;
  std::string error_, spool_error_;
  uint64_t next_ = 1;     // the next spool number (callback thread)
  uint64_t spooled_ = 0;  // the last spooled (under mu_)
  uint64_t read_ = 0;     // the last handed to ingest
  uint64_t committed_ = 0, deleted_ = 0;
  std::chrono::steady_clock::time_point last_arrival_;
  bool reader_waiting_ = false;  // NextBatch waits for a message (under mu_)
};

}  // namespace

std::string MqttStream(const ConnectorConfig& c) { return "mqtt:" + c.name; }

Result<std::unique_ptr<BatchSource>> NewMqttSource(ingest::IngestPipeline& pipeline,
                                                   graph::GraphStore& store,
                                                   const ConnectorConfig& c) {
  auto src = std::make_unique<MqttSource>(store, c);
  FG_RETURN_IF_ERROR(src->Open(pipeline));
  return std::unique_ptr<BatchSource>(std::move(src));
}

}  // namespace faultgraph::connectors
