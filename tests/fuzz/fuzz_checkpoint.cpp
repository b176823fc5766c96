// A checkpoint's JSON and weights: the input holds the JSON, then a "=====" line
// (fuzz::fileSeparator), then the safetensors bytes. When the JSON is an object with a "weights"
// record, the harness rewrites that record to match the weights (size and fingerprint), so inputs
// reach the settings, the tokenizer and the weights instead of stopping at the fingerprint check.

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/train/checkpoint.hpp"
#include "core/train/weights_file.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

namespace {

std::string withMatchingRecord(std::string_view jsonText, const std::string& weights) {
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(jsonText, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("weights")) return std::string(jsonText);
    json["weights"] = train::fileRecord("ckpt.safetensors", weights);
    return json.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [jsonText, weightBytes] = fuzz::splitFiles(fuzz::asText(data, size));
    const std::string weights(weightBytes);
    try {
        const train::CheckpointModel model =
            train::readCheckpointModel(withMatchingRecord(jsonText, weights), weights, "/fuzz/ckpt.safetensors");
        FUZZ_CHECK(model.bundle != nullptr);
    } catch (const LocatedError&) {
    }
    return 0;
}
