#pragma once

#include "http/Exchange.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace switchboard::http {

using Handler = std::function<void(Exchange&)>;

/// Exact-path routing with a method per route, path templates ("/api/admin/tenants/{id}/keys")
/// and "prefix/{id}" routes for one trailing path parameter. An unknown path is 404
/// not_found; a known path with another method is 405 method_not_allowed.
///
/// Precedence: an exact path beats a template; among templates, the one with more literal
/// segments wins ("/api/x/summary" beats "/api/x/{id}"); addWithId prefixes come last.
class Router {
  public:
    /// `path` is exact unless it has "{name}" segments; each such segment matches exactly one
    /// non-empty path segment (no '/'), readable in the handler as exchange.pathParam(name),
    /// percent-decoded.
    void add(const std::string& method, const std::string& path, Handler handler);
    /// Matches "prefix/<segment>" where segment is non-empty and has no '/'.
    void addWithId(const std::string& method, const std::string& prefix, Handler handler);

    /// Dispatches; throws ApiError 404/405 when nothing matches. `id` receives the trailing
    /// segment for addWithId routes.
    void dispatch(Exchange& exchange, std::string& id) const;

    bool hasPath(const std::string& path) const { return exact_.count(path) > 0; }

  private:
    struct Template {
        std::vector<std::string> segments;  ///< literal text, or "{name}"
        int literals = 0;
        std::map<std::string, Handler> methods;
    };
    const Template* matchTemplate(const std::vector<std::string>& segments,
                                  std::map<std::string, std::string>& params) const;

    std::vector<Template> templates_;
    std::map<std::string, std::map<std::string, Handler>> exact_;
    std::map<std::string, std::map<std::string, Handler>> prefixed_;
};

}  // namespace switchboard::http
