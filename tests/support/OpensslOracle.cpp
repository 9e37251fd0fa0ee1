#include "support/OpensslOracle.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <stdexcept>

namespace switchboard::testing {

std::string opensslHmacSha256Hex(const std::string& key, const std::string& data) {
    Poco::Pipe in, out;
    Poco::ProcessHandle handle = Poco::Process::launch(
        "openssl", {"dgst", "-sha256", "-hmac", key, "-r"}, &in, &out, nullptr);
    {
        Poco::PipeOutputStream input(in);
        input << data;
    }
    in.close(Poco::Pipe::CLOSE_WRITE);
    Poco::PipeInputStream output(out);
    std::string text;
    Poco::StreamCopier::copyToString(output, text);
    if (handle.wait() != 0) throw std::runtime_error("openssl dgst failed");
    // "-r" prints "<hex> *stdin".
    auto space = text.find(' ');
    if (space != 64) throw std::runtime_error("unexpected openssl output: " + text);
    return text.substr(0, space);
}

}  // namespace switchboard::testing
