#pragma once

#include <Poco/Data/RecordSet.h>

#include <cstdint>
#include <optional>
#include <string>

namespace switchboard::store {

/// Null-aware typed access to the current row of a Poco RecordSet, by column name.
class RowReader {
  public:
    explicit RowReader(Poco::Data::RecordSet& rs) : rs_(rs) {}

    bool isNull(const std::string& column) const { return rs_.value(column).isEmpty(); }
    std::string str(const std::string& column) const {
        return isNull(column) ? std::string() : rs_.value(column).convert<std::string>();
    }
    std::optional<std::string> optStr(const std::string& column) const {
        if (isNull(column)) return std::nullopt;
        return rs_.value(column).convert<std::string>();
    }
    std::int64_t i64(const std::string& column) const {
        return isNull(column) ? 0 : rs_.value(column).convert<Poco::Int64>();
    }
    std::optional<std::int64_t> optI64(const std::string& column) const {
        if (isNull(column)) return std::nullopt;
        return rs_.value(column).convert<Poco::Int64>();
    }

  private:
    Poco::Data::RecordSet& rs_;
};

/// Converts optionals to what Poco binds as SQL NULL.
inline Poco::Nullable<std::string> nullable(const std::optional<std::string>& v) {
    return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
}
inline Poco::Nullable<Poco::Int64> nullable(const std::optional<std::int64_t>& v) {
    return v ? Poco::Nullable<Poco::Int64>(static_cast<Poco::Int64>(*v))
             : Poco::Nullable<Poco::Int64>();
}
/// Empty string → NULL.
inline Poco::Nullable<std::string> nullIfEmpty(const std::string& v) {
    return v.empty() ? Poco::Nullable<std::string>() : Poco::Nullable<std::string>(v);
}

}  // namespace switchboard::store
