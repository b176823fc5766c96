// The safetensors reader from arbitrary bytes: SafetensorsFile either refuses the bytes with a
// LocatedError or lists tensors whose byte ranges lie in the data, and every float32 tensor can
// be read with its own shape (F32, and F16 and BF16 widened to floats).

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.hpp"
#include "core/train/safetensors.hpp"
#include "fuzz_common.hpp"

using namespace pretrainlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const train::SafetensorsFile file(std::string(fuzz::asText(data, size)), "fuzz.safetensors");
        for (const auto& [name, entry] : file.tensors()) {
            FUZZ_CHECK(entry.begin <= entry.end);
            FUZZ_CHECK(entry.end <= size);
            FUZZ_CHECK(file.has(name));
            if (entry.dtype == "F32" || entry.dtype == "F16" || entry.dtype == "BF16") {
                const std::vector<float> values = file.floats(name, entry.shape);
                std::size_t elements = 1;
                for (const std::int64_t extent : entry.shape) elements *= static_cast<std::size_t>(extent);
                FUZZ_CHECK(values.size() == elements);
                FUZZ_CHECK(values.size() * (entry.dtype == "F32" ? 4 : 2) == entry.end - entry.begin);
            }
        }
        for (const auto& [key, value] : file.metadata()) (void)key.size(), (void)value.size();
    } catch (const LocatedError&) {
    }
    return 0;
}
