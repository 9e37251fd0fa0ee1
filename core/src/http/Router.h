#pragma once

#include "http/Exchange.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace switchboard::http {

using Handler = std::function<void(Exchange&)>;

/// Exact-path routing with a method per route, plus "prefix/{id}" routes for one trailing
/// path parameter. An unknown path is 404 not_found; a known path with another method is
/// 405 method_not_allowed.
class Router {
  public:
    void add(const std::string& method, const std::string& path, Handler handler);
    /// Matches "prefix/<segment>" where segment is non-empty and has no '/'.
    void addWithId(const std::string& method, const std::string& prefix, Handler handler);

    /// Dispatches; throws ApiError 404/405 when nothing matches. `id` receives the trailing
    /// segment for addWithId routes.
    void dispatch(Exchange& exchange, std::string& id) const;

    bool hasPath(const std::string& path) const { return exact_.count(path) > 0; }

  private:
    std::map<std::string, std::map<std::string, Handler>> exact_;
    std::map<std::string, std::map<std::string, Handler>> prefixed_;
};

}  // namespace switchboard::http
