// Serialises storage structs with the Thrift compact protocol.
#pragma once

#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace faultgraph::graph {

template <typename T>
std::string Encode(const T& value) {
  using apache::thrift::protocol::TCompactProtocolT;
  using apache::thrift::transport::TMemoryBuffer;
  thread_local auto buffer = std::make_shared<TMemoryBuffer>(4096);
  thread_local TCompactProtocolT<TMemoryBuffer> protocol(buffer);
  buffer->resetBuffer();
  value.write(&protocol);
  return buffer->getBufferAsString();
}

// Corruption when the bytes are not a valid T.
template <typename T>
Status Decode(std::string_view bytes, T* out) {
  using apache::thrift::protocol::TCompactProtocolT;
  using apache::thrift::transport::TMemoryBuffer;
  try {
    auto buffer = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
        static_cast<uint32_t>(bytes.size()), TMemoryBuffer::OBSERVE);
    TCompactProtocolT<TMemoryBuffer> protocol(buffer);
    *out = T();
    out->read(&protocol);
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("undecodable stored value: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace faultgraph::graph
