// The Thrift service handler: checks each request, calls the domain code
// in graph/, ingest/ and connectors/, and maps results and Statuses back to
// API types and typed exceptions. The CLI's embedded mode calls it directly.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>

#include "analytics/feed.h"
#include "analytics/feed_refresher.h"
#include "analytics/kpis.h"
#include "analytics/repeats.h"
#include "analytics/trends.h"
#include "api/gen-cpp/FaultGraph.h"
#include "api/principals.h"
#include "api/scan_slots.h"
#include "api/search_service.h"
#include "common/clock.h"
#include "connectors/scheduler.h"
#include "diagnosis/diagnose.h"
#include "diagnosis/trainer.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::api {

class Handler : public FaultGraphIf {
 public:
  // Not owned; must outlive the handler. `search` may be null (search calls
  // then answer Unavailable). `stop` (may be null) asks running ingests to
  // finish their open batch and return.
  Handler(graph::GraphStore* store, ingest::IngestPipeline* pipeline, SearchService* search,
          const std::atomic<bool>* stop = nullptr)
      : store_(store),
        pipeline_(pipeline),
        search_(search),
        stop_(stop),
        diagnoser_(store, &pipeline->rules(), search ? &search->searcher() : nullptr),
        feed_([store] { return store->LastOutboxSeq(); },
              [store] {
                return analytics::RefreshFeed(*store, analytics::FeedOptions{},
                                              SystemClock()->NowMillis())
                    .status();
              },
              kFeedMinInterval),
        principals_(store) {}

  // Root cause's diagnosis (its trained models are set there).
  diagnosis::Diagnoser& diagnoser() { return diagnoser_; }

  void ingestStatus(IngestStatus& out) override;
  void getProduct(Product& out, const std::string& model) override;
  void neighbours(std::vector<Neighbour>& out, const NeighboursRequest& request) override;
  void getCase(CaseView& out, const std::string& caseId) override;
  // In-process (the CLI's --data mode) outcomes are recorded by "local";
  // faultgraphd's sessions call RecordOutcome with the signed-in principal.
  void recordOutcome(Outcome& out, const OutcomeRequest& request) override;
  void RecordOutcome(Outcome& out, const OutcomeRequest& request, const std::string& principal);
  void assetHistory(std::vector<TimelineItem>& out, const std::string& serial,
                    int32_t limit) override;
  // The asset 360 (handler_asset.cc). `now_ms` dates the warranty and "too
  // early" (the Thrift call passes the system clock).
  void assetView(AssetView& out, const std::string& serial, int32_t limit) override;
  void AssetViewAt(AssetView& out, const std::string& serial, int32_t limit, int64_t now_ms);
  void deadLetters(std::vector<DeadLetter>& out, const std::string& source, int32_t limit) override;
  void searchFixes(SearchResult& out, const std::string& query, const SearchFilters& filters,
                   int32_t offset, int32_t limit) override;
  void similarCases(SearchResult& out, const std::string& caseId, const std::string& text,
                    const SearchFilters& filters, int32_t limit) override;
  void rootCause(RootCauseAnswer& out, const RootCauseRequest& request) override;
  void repeatFailures(std::vector<RepeatRow>& out, const RepeatRequest& request) override;
  void defectTrends(TrendReport& out, const TrendRequest& request) override;
  void defectFeed(FeedPage& out, const std::string& cursor, int32_t max) override;
  void kpis(std::vector<KpiRow>& out, const KpiRequest& request) override;
  void repeatContacts(std::vector<RepeatContactRow>& out,
                      const RepeatContactRequest& request) override;
  void cohortRates(std::vector<CohortCell>& out, const CohortRequest& request) override;
  void cohortMatrix(CohortMatrix& out, const CohortRequest& request) override;
  void deadLetter(DeadLetter& out, const std::string& id) override;
  void retryDeadLetters(std::vector<DeadLetterRetry>& out, const std::vector<std::string>& ids,
                        const std::string& mappingPath) override;
  void digest(GraphDigest& out) override;
  void runConnector(const std::string& name, bool full) override;
  void backfillConnector(const std::string& name, const std::string& fromValue,
                         const std::string& toValue) override;
  void resetConnector(const std::string& name) override;
  void connectorStatus(std::vector<ConnectorState>& out, const std::string& name) override;
  void connectorRuns(std::vector<ConnectorRun>& out, const std::string& name,
                     int32_t limit) override;
  // The daemon's connector scheduler (not owned; null: no connectors).
  // Before serving (request threads read it); atomic all the same.
  void SetScheduler(connectors::Scheduler* s) { scheduler_.store(s); }
  int64_t reindex() override;
  void verifyIndex(IndexCheck& out, bool repair) override;
  void trainModels(ModelSummary& out) override;
  void listModels(std::vector<ModelSummary>& out) override;

  // Where root cause's trained models are kept (DATA/models); "" (the
  // default): trainModels is Unavailable, listModels lists what is loaded.
  void set_models_dir(std::string dir) { models_dir_ = std::move(dir); }
  // How trainModels trains (diagnosis/trainer.h; the defaults unless set).
  void set_train_options(const diagnosis::TrainOptions& o) { train_options_ = o; }
  void ingestFile(IngestResult& out, const std::string& mappingPath,
                  const std::string& filePath) override;

  // Sign-in, users and the audit trail (handler_admin.cc). In-process (the
  // CLI's --data mode) there is no sign-in: the caller holds the data
  // directory, and authenticate and whoami answer "local", admin.
  void authenticate(Session& out, const std::string& token) override;
  void whoami(Session& out) override;
  void addPrincipal(NewPrincipal& out, const std::string& name, const std::string& role) override;
  void listPrincipals(std::vector<Principal>& out) override;
  void revokePrincipal(const std::string& name) override;
  void auditLog(std::vector<AuditRecord>& out, const AuditQuery& query) override;
  PrincipalStore& principals() { return principals_; }

  // Progress of ingestFile calls made in-process (the CLI's progress bar).
  void set_progress(std::function<void(uint64_t, uint64_t)> progress) {
    progress_ = std::move(progress);
  }

 private:
  // Lookups that forgive (handler_lookup.cc): ids as people type them —
  // another case, surrounding spaces, full-width forms — matched to the
  // graph's; NotFound (naming what was asked, with a hint when a near id
  // exists) when nothing matches.
  std::string FindCaseId(const std::string& given) const;
  std::string FindProductId(const std::string& given) const;
  // The serial's timeline (read as FindCaseId reads ids); NotFound when no
  // record has it.
  std::vector<graph::TimelineItem> FindAssetTimeline(const std::string& serial, size_t limit) const;
  // The same, with the serial as the graph has it.
  std::pair<std::string, std::vector<graph::TimelineItem>> FindAsset(const std::string& serial,
                                                                     size_t limit) const;
  // "E104 temperature = 92.5 (major)": a sensor alarm in a timeline.
  static std::string SensorSummary(const graph::storage::EventDoc& e);
  // For an `id` without edges of `type` in `scope`: the edges of the id
  // as FindCaseId reads it (ac:e4 is AC:E4); none there either: NotFound
  // with a hint when `id` is a fault code without its family (E4 ->
  // AC:E4), else an empty list.
  // The master-data names of `ids` of `kind` (one batched read; ids without
  // an entity or a name are left out). `field` names the request field
  // that a store error is reported against.
  std::map<std::string, std::string> EntityNames(const char* kind, std::vector<std::string> ids,
                                                 const char* field) const;
  // Fills each neighbour's name from the master data of the first of
  // `kinds` that has its id (one batched read per kind).
  void NameNeighbours(std::vector<Neighbour>* out, std::initializer_list<const char*> kinds) const;
  std::vector<graph::Neighbour> NearNodeNeighbours(graph::EdgeType type, const std::string& scope,
                                                   const std::string& id, bool incoming,
                                                   size_t limit) const;
  // Answered questions (handler_answers.cc). KeepQuestion stores the
  // question of a rootCause answer and returns its answerId ("" when it
  // could not be kept: the answer is given anyway). AnswerCase makes the
  // question of `answer_id` a case of its own (source "answers", the answer
  // id its case id) once, so an outcome can be recorded on it; its id. The
  // outcome's component and fix are checked first: a refused outcome makes
  // no case.
  std::string KeepQuestion(const RootCauseRequest& request, const std::string& product);
  std::string AnswerCase(const std::string& answer_id, const OutcomeRequest& outcome);
  std::mutex answers_mu_;
  uint64_t last_answer_ = 0;  // the last question's number (0: not read yet); answers_mu_
  // The outcomes of a case for its view (handler_outcome.cc).
  std::vector<Outcome> ListOutcomes(const std::string& case_id) const;
  // An outcome in one line, for an asset's timeline.
  static std::string OutcomeSummary(const graph::storage::EventDoc& e);
  // BadRequest naming the field unless `component` / `fix` is known.
  void CheckKnownComponent(const std::string& component, const graph::storage::CaseDoc& c) const;
  void CheckKnownFix(const std::string& fix, const graph::storage::CaseDoc& c) const;
  // What an outcome says was found, as stored (trimmed, upper-case):
  // BadRequest when it names nothing, or an unknown component or fix.
  std::pair<std::string, std::string> CheckFound(const OutcomeRequest& r,
                                                 const graph::storage::CaseDoc& c) const;
  // The connector scheduler; Unavailable when the daemon runs none.
  connectors::Scheduler& Scheduler() const;
  std::atomic<connectors::Scheduler*> scheduler_{nullptr};
  graph::GraphStore* store_;
  ingest::IngestPipeline* pipeline_;
  SearchService* search_;
  const std::atomic<bool>* stop_;
  diagnosis::Diagnoser diagnoser_;
  std::string models_dir_;
  diagnosis::TrainOptions train_options_;
  // The feed follows the graph off the request path: new findings are
  // appended in the background when cases were written, at most every
  // kFeedMinInterval under a steady ingest.
  static constexpr std::chrono::seconds kFeedMinInterval{2};
  analytics::FeedRefresher feed_;
  std::function<void(uint64_t, uint64_t)> progress_;
  PrincipalStore principals_;
  // Whole-graph scans (status, repeats, trends, KPIs, repeat contacts,
  // cohorts): two at a time, one per core; a third waits up to 10 s, then
  // is refused as Unavailable (Busy).
  ScanSlots scans_{2, std::chrono::seconds(10)};
};

}  // namespace faultgraph::api
