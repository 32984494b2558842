#include "graph/key_codec.h"

namespace faultgraph::graph {

KeyBuilder& KeyBuilder::Str(std::string_view s) {
  for (;;) {
    size_t zero = s.find('\0');
    if (zero == std::string_view::npos) break;
    key_.append(s.data(), zero);
    key_.append("\0\xff", 2);
    s.remove_prefix(zero + 1);
  }
  key_.append(s.data(), s.size());
  key_.append("\0\x01", 2);
  return *this;
}

KeyBuilder& KeyBuilder::U64(uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (56 - 8 * i));
  key_.append(buf, 8);
  return *this;
}

bool KeyReader::Tag(uint8_t* tag) {
  if (rest_.empty()) return false;
  *tag = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return true;
}

bool KeyReader::Str(std::string* s) {
  s->clear();
  for (size_t i = 0; i + 1 < rest_.size(); ++i) {
    if (rest_[i] != '\0') {
      s->push_back(rest_[i]);
      continue;
    }
    if (rest_[i + 1] == '\x01') {
      rest_.remove_prefix(i + 2);
      return true;
    }
    if (rest_[i + 1] != '\xff') break;
    s->push_back('\0');
    ++i;
  }
  rest_ = {};
  return false;
}

bool KeyReader::U64(uint64_t* v) {
  if (rest_.size() < 8) return false;
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out = (out << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  *v = out;
  return true;
}

bool KeyReader::I64(int64_t* v) {
  uint64_t u;
  if (!U64(&u)) return false;
  *v = static_cast<int64_t>(u ^ (1ull << 63));
  return true;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    unsigned char last = static_cast<unsigned char>(out.back());
    if (last != 0xff) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace faultgraph::graph
