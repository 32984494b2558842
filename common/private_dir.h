// Data only its owner can read. A data directory holds customer records,
// dead letters (rows as the source sent them) and connector positions, so
// faultgraph keeps it 0700 and its files 0600 whatever the umask it was
// started with.
#pragma once

#include <string>

#include "common/status.h"

namespace faultgraph {

// Sets the process's umask to 077: every file and folder created from now
// on (RocksDB, Xapian, the MQTT spool, backups) is owner-only. Call at start,
// before any thread.
void UseOwnerOnlyUmask();

// Makes `dir` and everything under it owner-only: the folder becomes 0700,
// and every file or folder under it that group or others could use loses
// those bits (symbolic links are neither changed nor followed). Returns how
// many entries it changed (0 when all were owner-only already); NotFound
// when `dir` does not exist; IOError naming the entry that could not be
// changed.
Result<size_t> MakeOwnerOnly(const std::string& dir);

}  // namespace faultgraph
