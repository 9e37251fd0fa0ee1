#pragma once

#include <Poco/Data/Binding.h>
#include <Poco/Data/Statement.h>

#include <functional>
#include <string>
#include <vector>

namespace switchboard::store {

/// Builds "AND ..." filter conditions with $n placeholders numbered in order of appearance,
/// and binds their values in the same order (both SQLite and PostgreSQL need ascending $n).
/// Each fragment holds exactly one '?', replaced by the next $n.
class SqlConditions {
  public:
    explicit SqlConditions(int firstParameter) : next_(firstParameter) {}

    template <class T>
    void add(const std::string& fragment, T value) {
        std::string text = fragment;
        text.replace(text.find('?'), 1, "$" + std::to_string(next_++));
        sql_ += " AND " + text;
        binders_.push_back(
            [value](Poco::Data::Statement& st) { st.addBind(Poco::Data::Keywords::bind(value)); });
    }
    /// "column IN ($a, $b, ...)"; an empty list matches nothing.
    void addAnyOf(const std::string& column, const std::vector<std::string>& values) {
        if (values.empty()) {
            sql_ += " AND 1 = 0";
            return;
        }
        std::string text = " AND " + column + " IN (";
        for (std::size_t i = 0; i < values.size(); ++i) {
            text += (i ? ", $" : "$") + std::to_string(next_++);
            const std::string value = values[i];
            binders_.push_back([value](Poco::Data::Statement& st) {
                st.addBind(Poco::Data::Keywords::bind(value));
            });
        }
        sql_ += text + ")";
    }
    /// " AND ..." for every condition added (empty when none).
    const std::string& sql() const { return sql_; }
    /// The number of the next placeholder (for LIMIT/OFFSET after the conditions).
    int next() const { return next_; }
    void bindAll(Poco::Data::Statement& st) const {
        for (const auto& b : binders_) b(st);
    }

  private:
    int next_;
    std::string sql_;
    std::vector<std::function<void(Poco::Data::Statement&)>> binders_;
};

}  // namespace switchboard::store
