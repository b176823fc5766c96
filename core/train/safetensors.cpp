#include "core/train/safetensors.hpp"

#include <bit>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"

namespace pretrainlab::train {

static_assert(std::endian::native == std::endian::little, "safetensors stores little-endian values");

namespace {

using Json = nlohmann::ordered_json;

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

std::size_t elements(const std::vector<std::int64_t>& shape) {
    std::size_t n = 1;
    for (const std::int64_t d : shape) n *= static_cast<std::size_t>(d);
    return n;
}

}  // namespace

std::string safetensorsBytes(const std::vector<TensorToWrite>& tensors, const std::map<std::string, std::string>& metadata) {
    Json header = Json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::size_t offset = 0;
    for (const TensorToWrite& tensor : tensors) {
        const std::size_t bytes = elements(tensor.shape) * sizeof(float);
        header[tensor.name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
    std::string file(8, '\0');
    const std::uint64_t length = text.size();
    std::memcpy(file.data(), &length, 8);
    file += text;
    file.reserve(file.size() + offset);
    for (const TensorToWrite& tensor : tensors) {
        file.append(reinterpret_cast<const char*>(tensor.values), elements(tensor.shape) * sizeof(float));
    }
    return file;
}

SafetensorsFile::SafetensorsFile(std::string bytes, std::string source) : bytes_(std::move(bytes)), source_(std::move(source)) {
    const auto fail = [&](const std::string& what, std::optional<std::size_t> at = std::nullopt) {
        throw LocatedError(SourceLocation{source_, std::nullopt, at}, what);
    };
    if (bytes_.size() < 8) {
        fail("too short for a safetensors file: " + std::to_string(bytes_.size()) +
             " bytes, and the header's length alone takes 8");
    }
    std::uint64_t headerLength = 0;
    std::memcpy(&headerLength, bytes_.data(), 8);
    if (headerLength > bytes_.size() - 8) {
        fail("the header should take " + std::to_string(headerLength) + " bytes but only " +
             std::to_string(bytes_.size() - 8) + " follow the length (a truncated or not a safetensors file)", 0);
    }
    dataStart_ = 8 + static_cast<std::size_t>(headerLength);
    Json header;
    try {
        header = Json::parse(std::string_view(bytes_).substr(8, static_cast<std::size_t>(headerLength)));
    } catch (const Json::parse_error& error) {
        fail(std::string("the header is not valid JSON: ") + error.what(), 8);
    }
    if (!header.is_object()) fail("the header is not a JSON object", 8);
    const std::size_t dataBytes = bytes_.size() - dataStart_;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object()) fail("__metadata__ is not an object of strings");
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string()) fail("__metadata__." + key + " is not a string");
                metadata_[key] = value.get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets")) {
            fail(where + " lacks its dtype, shape or data_offsets");
        }
        TensorEntry tensor;
        try {
            tensor.dtype = entry.at("dtype").get<std::string>();
            tensor.shape = entry.at("shape").get<std::vector<std::int64_t>>();
            const auto offsets = entry.at("data_offsets").get<std::vector<std::size_t>>();
            if (offsets.size() != 2) fail(where + ": data_offsets must be two numbers");
            tensor.begin = offsets[0];
            tensor.end = offsets[1];
        } catch (const Json::exception& error) {
            fail(where + ": " + error.what());
        }
        for (const std::int64_t d : tensor.shape) {
            if (d < 0) fail(where + " has a negative dimension in its shape " + shapeText(tensor.shape));
        }
        if (tensor.begin > tensor.end) fail(where + ": its data_offsets run backwards");
        if (tensor.end > dataBytes) {
            fail(where + " needs bytes " + std::to_string(tensor.begin) + ".." + std::to_string(tensor.end) +
                 " of the data but the file holds " + std::to_string(dataBytes) + " (truncated?)");
        }
        const std::size_t width = tensor.dtype == "F32" ? 4 : tensor.dtype == "F64" || tensor.dtype == "I64" ? 8
                                : tensor.dtype == "F16" || tensor.dtype == "BF16" ? 2 : 0;
        if (width > 0 && elements(tensor.shape) * width != tensor.end - tensor.begin) {
            fail(where + ": shape " + shapeText(tensor.shape) + " of " + tensor.dtype + " needs " +
                 std::to_string(elements(tensor.shape) * width) + " bytes, its data_offsets give " +
                 std::to_string(tensor.end - tensor.begin));
        }
        tensors_.emplace(name, tensor);
    }
}

void SafetensorsFile::copyFloats(const std::string& name, const std::vector<std::int64_t>& shape, float* out) const {
    const auto found = tensors_.find(name);
    const SourceLocation where{source_, std::nullopt, std::nullopt};
    if (found == tensors_.end()) throw LocatedError(where, "has no tensor '" + name + "'");
    const TensorEntry& tensor = found->second;
    if (tensor.dtype != "F32") {
        throw LocatedError(where, "tensor '" + name + "' is " + tensor.dtype + "; PretrainLab reads F32 tensors");
    }
    if (tensor.shape != shape) {
        throw LocatedError(where, "tensor '" + name + "' has shape " + shapeText(tensor.shape) + "; this model needs " +
                                      shapeText(shape));
    }
    std::memcpy(out, bytes_.data() + dataStart_ + tensor.begin, tensor.end - tensor.begin);
}

std::vector<float> SafetensorsFile::floats(const std::string& name, const std::vector<std::int64_t>& shape) const {
    std::vector<float> values(elements(shape));
    copyFloats(name, shape, values.data());
    return values;
}

}  // namespace pretrainlab::train
