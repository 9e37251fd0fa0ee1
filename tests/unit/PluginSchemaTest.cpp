#include "config/ConfigError.h"
#include "config/PluginSchema.h"
#include "support/TempDir.h"
#include "support/ThrownErrors.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace switchboard::config {
namespace {

using testing::startsWith;
using testing::thrown;
using testing::thrownMessage;

// A hand-written schema exercising every supported type, with and without defaults.
const char* const kSchema = R"({
  "properties": {
    "api_key":  {"type": "string", "required": true, "secret": true},
    "base_url": {"type": "string", "default": "https://provider.example"},
    "note":     {"type": "string"},
    "retries":  {"type": "integer", "default": 3},
    "verbose":  {"type": "boolean", "default": false},
    "enabled":  {"type": "boolean"},
    "tags":     {"type": "string_list"},
    "tokens":   {"type": "string_list", "secret": true},
    "fields":   {"type": "string_map", "default": {"sender": "from"}},
    "headers":  {"type": "string_map", "secret": true},
    "untyped":  {}
  }
})";

const char* const kPath = "providers[0].config";

Poco::JSON::Object::Ptr validate(const std::string& yaml,
                                 std::vector<std::string>* secrets = nullptr) {
    ValidatedInstanceConfig result = validateInstanceConfig(kSchema, YAML::Load(yaml), kPath, ".");
    if (secrets != nullptr) *secrets = result.secrets;
    Poco::JSON::Parser parser;
    return parser.parse(result.json).extract<Poco::JSON::Object::Ptr>();
}

std::string errorOf(const std::string& yaml, const std::string& schema = kSchema) {
    return thrownMessage<ConfigError>(
        [&] { validateInstanceConfig(schema, YAML::Load(yaml), kPath, "."); },
        "a ConfigError for:\n" + yaml);
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

TEST(PluginSchema, DefaultsAreAppliedAndAbsentOptionalKeysOmitted) {
    auto json = validate("api_key: key-value-1234\n");
    EXPECT_EQ(json->getValue<std::string>("api_key"), "key-value-1234");
    EXPECT_EQ(json->getValue<std::string>("base_url"), "https://provider.example");
    ASSERT_TRUE(json->has("retries"));
    EXPECT_TRUE(json->get("retries").isInteger());
    EXPECT_EQ(json->getValue<int>("retries"), 3);
    ASSERT_TRUE(json->has("verbose"));
    EXPECT_TRUE(json->get("verbose").isBoolean());
    EXPECT_FALSE(json->getValue<bool>("verbose"));
    auto fields = json->getObject("fields");
    ASSERT_TRUE(fields);
    EXPECT_EQ(fields->getValue<std::string>("sender"), "from");
    EXPECT_FALSE(json->has("note"));
    EXPECT_FALSE(json->has("enabled"));
    EXPECT_FALSE(json->has("tags"));
    EXPECT_FALSE(json->has("headers"));
}

TEST(PluginSchema, GivenValuesOverrideDefaults) {
    auto json = validate(
        "api_key: key-value-1234\nbase_url: http://127.0.0.1:9\nretries: 7\nverbose: yes\n"
        "fields: {sender: src}\n");
    EXPECT_EQ(json->getValue<std::string>("base_url"), "http://127.0.0.1:9");
    EXPECT_EQ(json->getValue<int>("retries"), 7);
    EXPECT_TRUE(json->getValue<bool>("verbose"));
    EXPECT_EQ(json->getObject("fields")->getValue<std::string>("sender"), "src");
    // A null value counts as absent: the default applies.
    json = validate("api_key: key-value-1234\nretries: ~\n");
    EXPECT_EQ(json->getValue<int>("retries"), 3);
}

TEST(PluginSchema, RequiredKeyMissing) {
    EXPECT_TRUE(startsWith(errorOf("base_url: x\n"),
                           "providers[0].config.api_key: required key is missing"));
    EXPECT_TRUE(startsWith(errorOf("api_key: ~\n"),
                           "providers[0].config.api_key: required key is missing"));
    // No config block at all.
    auto e = thrown<ConfigError>([] { validateInstanceConfig(kSchema, YAML::Node(), kPath, "."); });
    ASSERT_TRUE(e) << "expected a ConfigError";
    EXPECT_TRUE(startsWith(e->what(), "providers[0].config.api_key: required key is missing"));
}

TEST(PluginSchema, NullConfigIsEmptyWhenNothingIsRequired) {
    const std::string schema = R"({"properties": {"a": {"type": "integer", "default": 5}}})";
    auto result = validateInstanceConfig(schema, YAML::Node(), kPath, ".");
    EXPECT_EQ(result.json, R"({"a":5})");
    EXPECT_TRUE(result.secrets.empty());
    // A schema without properties accepts only an empty block.
    EXPECT_EQ(validateInstanceConfig("{}", YAML::Node(), kPath, ".").json, "{}");
    EXPECT_TRUE(
        startsWith(errorOf("a: 1\n", "{}"), "providers[0].config.a: unknown key for this plugin"));
}

TEST(PluginSchema, UnknownKeyIsRefused) {
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\ncolour: blue\n"),
                           "providers[0].config.colour: unknown key for this plugin"));
}

TEST(PluginSchema, ConfigMustBeAMapping) {
    EXPECT_TRUE(startsWith(errorOf("[a, b]\n"), "providers[0].config: expected a mapping"));
    EXPECT_TRUE(startsWith(errorOf("just text\n"), "providers[0].config: expected a mapping"));
}

TEST(PluginSchema, IntegerConversion) {
    EXPECT_EQ(validate("api_key: k-1234\nretries: -12\n")->getValue<int>("retries"), -12);
    EXPECT_EQ(validate("api_key: k-1234\nretries: \"42\"\n")->getValue<int>("retries"), 42);
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nretries: many\n"),
                           "providers[0].config.retries: expected an integer, got 'many'"));
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nretries: 2.5\n"),
                           "providers[0].config.retries: expected an integer"));
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nretries: [1]\n"),
                           "providers[0].config.retries: expected a string"));
}

TEST(PluginSchema, BooleanConversion) {
    for (const char* yes : {"true", "yes", "on"})
        EXPECT_TRUE(validate(std::string("api_key: k-1234\nenabled: ") + yes + "\n")
                        ->getValue<bool>("enabled"))
            << yes;
    for (const char* no : {"false", "no", "off"})
        EXPECT_FALSE(validate(std::string("api_key: k-1234\nenabled: ") + no + "\n")
                         ->getValue<bool>("enabled"))
            << no;
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nenabled: maybe\n"),
                           "providers[0].config.enabled: expected true or false, got 'maybe'"));
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nenabled: 1\n"),
                           "providers[0].config.enabled: expected true or false"));
}

TEST(PluginSchema, StringStaysAStringEvenWhenNumeric) {
    auto json = validate("api_key: k-1234\nnote: 12345\n");
    ASSERT_TRUE(json->get("note").isString());
    EXPECT_EQ(json->getValue<std::string>("note"), "12345");
    // A schema entry without a type is a string.
    json = validate("api_key: k-1234\nuntyped: 7\n");
    EXPECT_TRUE(json->get("untyped").isString());
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nnote: {a: b}\n"),
                           "providers[0].config.note: expected a string"));
}

TEST(PluginSchema, StringListConversion) {
    auto json = validate("api_key: k-1234\ntags: [alpha, 2, \"three\"]\n");
    auto tags = json->getArray("tags");
    ASSERT_TRUE(tags);
    ASSERT_EQ(tags->size(), 3u);
    EXPECT_EQ(tags->getElement<std::string>(0), "alpha");
    EXPECT_EQ(tags->getElement<std::string>(1), "2");
    EXPECT_EQ(tags->getElement<std::string>(2), "three");
    EXPECT_EQ(validate("api_key: k-1234\ntags: []\n")->getArray("tags")->size(), 0u);
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\ntags: alpha\n"),
                           "providers[0].config.tags: expected a list of strings"));
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\ntags: [a, {b: c}]\n"),
                           "providers[0].config.tags[1]: expected a string"));
}

TEST(PluginSchema, StringMapConversion) {
    auto json = validate("api_key: k-1234\nfields: {sender: src, receiver: dst}\n");
    auto fields = json->getObject("fields");
    ASSERT_TRUE(fields);
    EXPECT_EQ(fields->size(), 2u);
    EXPECT_EQ(fields->getValue<std::string>("sender"), "src");
    EXPECT_EQ(fields->getValue<std::string>("receiver"), "dst");
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nfields: [a]\n"),
                           "providers[0].config.fields: expected a mapping of strings"));
    EXPECT_TRUE(startsWith(errorOf("api_key: k-1234\nfields: {sender: [a]}\n"),
                           "providers[0].config.fields.sender: expected a string"));
}

TEST(PluginSchema, UnsupportedSchemaTypeNamesTheKey) {
    const std::string schema = R"({"properties": {"ratio": {"type": "float"}}})";
    EXPECT_TRUE(startsWith(errorOf("ratio: 0.5\n", schema), "providers[0].config.ratio: "));
    EXPECT_NE(errorOf("ratio: 0.5\n", schema).find("float"), std::string::npos);
}

TEST(PluginSchema, SecretsAreCollectedOnlyForSecretKeys) {
    std::vector<std::string> secrets;
    validate(
        "api_key: the-api-key-value\n"
        "note: not-a-secret-note\n"
        "base_url: http://not-a-secret.example\n"
        "tags: [public-tag]\n"
        "tokens: [token-one-value, token-two-value, \"\"]\n"
        "fields: {sender: public-field}\n"
        "headers: {X-Auth: header-secret-value}\n",
        &secrets);
    EXPECT_TRUE(contains(secrets, "the-api-key-value"));
    EXPECT_TRUE(contains(secrets, "token-one-value"));
    EXPECT_TRUE(contains(secrets, "token-two-value"));
    EXPECT_TRUE(contains(secrets, "header-secret-value"));
    EXPECT_FALSE(contains(secrets, "not-a-secret-note"));
    EXPECT_FALSE(contains(secrets, "http://not-a-secret.example"));
    EXPECT_FALSE(contains(secrets, "public-tag"));
    EXPECT_FALSE(contains(secrets, "public-field"));
    EXPECT_FALSE(contains(secrets, ""));  // empty values are not secrets
    EXPECT_EQ(secrets.size(), 4u);
}

TEST(PluginSchema, ReferencesAreResolvedAndResolvedSecretsCollected) {
    ::setenv("SB_UNIT_SCHEMA_KEY", "resolved-api-key-777", 1);
    testing::TempDir dir;
    dir.write("token.txt", "token-from-file-888\n");
    auto result = validateInstanceConfig(
        kSchema, YAML::Load("api_key: ${SB_UNIT_SCHEMA_KEY}\ntokens: [\"file:token.txt\"]\n"),
        kPath, dir.path());
    ::unsetenv("SB_UNIT_SCHEMA_KEY");
    Poco::JSON::Parser parser;
    auto json = parser.parse(result.json).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(json->getValue<std::string>("api_key"), "resolved-api-key-777");
    EXPECT_EQ(json->getArray("tokens")->getElement<std::string>(0), "token-from-file-888");
    EXPECT_TRUE(contains(result.secrets, "resolved-api-key-777"));
    EXPECT_TRUE(contains(result.secrets, "token-from-file-888"));
    EXPECT_FALSE(contains(result.secrets, "${SB_UNIT_SCHEMA_KEY}"));
}

TEST(PluginSchema, UnsetReferenceNamesTheKeyPath) {
    ::unsetenv("SB_UNIT_SCHEMA_UNSET");
    EXPECT_TRUE(startsWith(
        errorOf("api_key: ${SB_UNIT_SCHEMA_UNSET}\n"),
        "providers[0].config.api_key: environment variable SB_UNIT_SCHEMA_UNSET is not set"));
    EXPECT_TRUE(
        startsWith(errorOf("api_key: k-1234\nheaders: {X-A: \"${SB_UNIT_SCHEMA_UNSET}\"}\n"),
                   "providers[0].config.headers.X-A: environment variable SB_UNIT_SCHEMA_UNSET"));
}

}  // namespace
}  // namespace switchboard::config
