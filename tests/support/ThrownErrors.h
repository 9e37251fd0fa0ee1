#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

namespace switchboard::testing {

/// The Error that `action` throws, or nullopt if it returns normally. Any other exception
/// escapes, so the test fails on it just as it would without this helper.
template <typename Error, typename Action>
std::optional<Error> thrown(Action&& action) {
    try {
        std::forward<Action>(action)();
    } catch (const Error& e) {
        return e;
    }
    return std::nullopt;
}

/// What the Error that `action` throws says. If it throws none, records a test failure
/// reading "expected <expectation>" and returns "", which no expected message starts with.
template <typename Error, typename Action>
std::string thrownMessage(Action&& action, const std::string& expectation) {
    if (auto error = thrown<Error>(std::forward<Action>(action))) return error->what();
    ADD_FAILURE() << "expected " << expectation;
    return {};
}

/// For EXPECT_TRUE: does `text` start with `prefix`? A failure shows both.
inline ::testing::AssertionResult startsWith(const std::string& text, const std::string& prefix) {
    if (text.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "'" << text << "' does not start with '" << prefix << "'";
}

}  // namespace switchboard::testing
