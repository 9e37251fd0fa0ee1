#include "telephony/CarrierTableSource.h"

#include "util/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include <regex>
#include <stdexcept>

namespace switchboard::telephony {
namespace {

Poco::Dynamic::Var toJson(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            for (const auto& entry : node) object->set(entry.first.Scalar(), toJson(entry.second));
            return object;
        }
        case YAML::NodeType::Sequence: {
            Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
            for (const auto& item : node) array->add(toJson(item));
            return array;
        }
        case YAML::NodeType::Scalar: {
            const std::string& text = node.Scalar();
            // yaml-cpp tags a quoted scalar "!" and a plain one "?".
            if (node.Tag() == "!") return text;
            static const std::regex kInteger("-?[0-9]{1,15}");
            if (std::regex_match(text, kInteger)) return static_cast<Poco::Int64>(std::stoll(text));
            if (text == "true") return true;
            if (text == "false") return false;
            if (text == "null" || text == "~") return Poco::Dynamic::Var();
            return text;
        }
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return Poco::Dynamic::Var();
    }
    return Poco::Dynamic::Var();
}

}  // namespace

std::string carriersJsonFromYaml(const std::string& yaml, const std::string& source) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source + ": invalid YAML: " + e.what());
    }
    if (!root.IsDefined() || root.IsNull())
        throw std::invalid_argument(source + ": the carrier table is empty");
    return util::toJson(toJson(root));
}

}  // namespace switchboard::telephony
