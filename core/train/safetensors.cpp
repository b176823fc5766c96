#include "core/train/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"
#include "core/common/json_depth.hpp"
#include "core/text/utf8.hpp"

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

std::string rangeText(std::uint64_t begin, std::uint64_t end) { return std::to_string(begin) + ".." + std::to_string(end); }

// IEEE half precision to single: sign, 5 exponent bits (bias 15), 10 mantissa bits.
float halfToFloat(std::uint16_t half) {
    const std::uint32_t sign = std::uint32_t(half & 0x8000u) << 16;
    std::uint32_t exponent = (half >> 10) & 0x1fu;
    std::uint32_t mantissa = half & 0x3ffu;
    std::uint32_t bits = 0;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);  // infinity or NaN
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa != 0) {
        // A subnormal half is a normal float: shift the mantissa up until its leading 1 is implicit.
        exponent = 113;
        while ((mantissa & 0x400u) == 0) mantissa <<= 1, --exponent;
        bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    } else {
        bits = sign;
    }
    return std::bit_cast<float>(bits);
}

// One tensor's entry of the header, checked on its own.
TensorEntry tensorEntry(const std::string& name, const Json& entry, std::uint64_t dataBytes,
                        const std::function<void(const std::string&)>& fail) {
    const std::string where = "tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets")) {
        fail(where + " lacks its dtype, shape or data_offsets");
    }
    TensorEntry tensor;
    tensor.name = name;
    const Json& dtype = entry.at("dtype");
    if (!dtype.is_string()) fail(where + ": its dtype is not a string");
    tensor.dtype = dtype.get<std::string>();
    const std::optional<std::size_t> width = dtypeBytes(tensor.dtype);
    if (!width) {
        fail(where + " has the unknown dtype '" + tensor.dtype +
             "' (known: F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)");
    }
    const Json& shape = entry.at("shape");
    if (!shape.is_array()) fail(where + ": its shape is not a list of dimensions");
    std::uint64_t count = 1;
    bool overflow = false;
    for (const Json& dimension : shape) {
        if (!dimension.is_number_integer() || (dimension.is_number_integer() && !dimension.is_number_unsigned())) {
            fail(where + " has a dimension that is not a whole number of at least 0 in its shape: " + jsonBrief(dimension));
        }
        const std::uint64_t d = dimension.get<std::uint64_t>();
        if (d > std::uint64_t(std::numeric_limits<std::int64_t>::max())) overflow = true;
        overflow = overflow || __builtin_mul_overflow(count, d, &count);
        tensor.shape.push_back(static_cast<std::int64_t>(std::min<std::uint64_t>(d, std::numeric_limits<std::int64_t>::max())));
    }
    std::uint64_t needed = 0;
    overflow = overflow || __builtin_mul_overflow(count, std::uint64_t(*width), &needed);
    if (overflow) fail(where + ": its shape " + jsonExcerpt(shapeText(tensor.shape), 80) + " holds more elements than any file can");
    const Json& offsets = entry.at("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
        std::string got = jsonBrief(offsets);
        if (offsets.is_array() && offsets.size() == 2) got = "[" + jsonBrief(offsets[0]) + ", " + jsonBrief(offsets[1]) + "]";
        fail(where + ": data_offsets must be two whole numbers of at least 0, got " + got);
    }
    const std::uint64_t begin = offsets[0].get<std::uint64_t>(), end = offsets[1].get<std::uint64_t>();
    if (begin > end) fail(where + ": its data_offsets run backwards (" + rangeText(begin, end) + ")");
    if (end > dataBytes) {
        fail(where + " needs bytes " + rangeText(begin, end) + " of the data but the file holds " +
             std::to_string(dataBytes) + " (truncated?)");
    }
    if (needed != end - begin) {
        fail(where + ": shape " + shapeText(tensor.shape) + " of " + tensor.dtype + " needs " + std::to_string(needed) +
             " bytes, its data_offsets give " + std::to_string(end - begin) + " (" + rangeText(begin, end) + ")");
    }
    tensor.begin = static_cast<std::size_t>(begin);
    tensor.end = static_cast<std::size_t>(end);
    return tensor;
}

}  // namespace

std::optional<std::size_t> dtypeBytes(std::string_view dtype) {
    static const std::map<std::string_view, std::size_t> widths{
        {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I64", 8}, {"I32", 4},
        {"I16", 2}, {"I8", 1},  {"U64", 8}, {"U32", 4},  {"U16", 2},     {"U8", 1},      {"BOOL", 1}};
    const auto found = widths.find(dtype);
    if (found == widths.end()) return std::nullopt;
    return found->second;
}

namespace {

// One tensor to write: its header entry and its bytes.
struct Piece {
    std::string name;
    const char* dtype;
    std::vector<std::int64_t> shape;
    const char* data;
    std::size_t bytes;
};

std::string fileOf(const std::vector<Piece>& pieces, const std::map<std::string, std::string>& metadata) {
    Json header = Json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::size_t offset = 0;
    for (const Piece& piece : pieces) {
        header[piece.name] = {{"dtype", piece.dtype}, {"shape", piece.shape}, {"data_offsets", {offset, offset + piece.bytes}}};
        offset += piece.bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
    std::string file(8, '\0');
    const std::uint64_t length = text.size();
    std::memcpy(file.data(), &length, 8);
    file += text;
    file.reserve(file.size() + offset);
    for (const Piece& piece : pieces) {
        if (piece.bytes > 0) file.append(piece.data, piece.bytes);
    }
    return file;
}

}  // namespace

std::string safetensorsBytes(const std::vector<TensorToWrite>& tensors, const std::map<std::string, std::string>& metadata) {
    std::vector<Piece> pieces;
    for (const TensorToWrite& tensor : tensors) {
        pieces.push_back({tensor.name, "F32", tensor.shape, reinterpret_cast<const char*>(tensor.values),
                          elements(tensor.shape) * sizeof(float)});
    }
    return fileOf(pieces, metadata);
}

std::string safetensorsOfBytes(const std::vector<BytesToWrite>& parts, const std::map<std::string, std::string>& metadata) {
    std::vector<Piece> pieces;
    for (const BytesToWrite& part : parts) {
        pieces.push_back({part.name, "U8", {static_cast<std::int64_t>(part.bytes.size())}, part.bytes.data(), part.bytes.size()});
    }
    return fileOf(pieces, metadata);
}

SafetensorsLayout parseSafetensorsLayout(std::string_view start, std::uint64_t fileBytes, const std::string& source) {
    const auto fail = [&](const std::string& what) { throw LocatedError(SourceLocation{source, std::nullopt, std::nullopt}, what); };
    SafetensorsLayout layout;
    layout.fileBytes = fileBytes;
    if (fileBytes < 8 || start.size() < 8) {
        fail("too short for a safetensors file: " + std::to_string(fileBytes) +
             " bytes, and the header's length alone takes 8");
    }
    std::memcpy(&layout.headerBytes, start.data(), 8);
    if (layout.headerBytes > maxSafetensorsHeaderBytes) {
        fail("the header length " + std::to_string(layout.headerBytes) + " is absurdly large (the format allows up to " +
             std::to_string(maxSafetensorsHeaderBytes) + " bytes): not a safetensors file");
    }
    if (layout.headerBytes > fileBytes - 8) {
        fail("the header should take " + std::to_string(layout.headerBytes) + " bytes but only " +
             std::to_string(fileBytes - 8) + " follow the length (a truncated or not a safetensors file)");
    }
    layout.dataStart = 8 + layout.headerBytes;
    if (start.size() < layout.dataStart) fail("the header could not be read whole");
    const std::string_view headerText = start.substr(8, static_cast<std::size_t>(layout.headerBytes));
    if (const std::optional<utf8::Problem> problem = utf8::findProblem(headerText)) {
        fail("the header is not valid UTF-8: byte " + std::to_string(8 + problem->byteOffset) + " of the file: " +
             problem->reason);
    }
    if (const std::optional<std::size_t> at = jsonTooDeepAt(headerText)) {
        fail("the header nests more than " + std::to_string(maxJsonDepth) + " levels deep at byte " + std::to_string(8 + *at) +
             " of the file: not read");
    }
    Json header;
    std::string repeated;
    try {
        // Keys at the top level must be distinct (a JSON reader would keep only one of two).
        std::set<std::string> keys;
        header = Json::parse(headerText, [&](int depth, Json::parse_event_t event, Json& parsed) {
            if (depth == 1 && event == Json::parse_event_t::key && !keys.insert(parsed.get<std::string>()).second &&
                repeated.empty()) {
                repeated = parsed.get<std::string>();
            }
            return true;
        });
    } catch (const Json::exception& error) {
        fail(std::string("the header is not valid JSON: ") + error.what());
    }
    if (!header.is_object()) fail("the header is not a JSON object");
    if (!repeated.empty()) fail("the header names '" + repeated + "' twice");
    const std::uint64_t dataBytes = fileBytes - layout.dataStart;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object()) fail("__metadata__ is not an object of strings");
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string()) fail("__metadata__." + key + " is not a string");
                layout.metadata[key] = value.get<std::string>();
            }
            continue;
        }
        layout.tensors.push_back(tensorEntry(name, entry, dataBytes, fail));
    }
    // The format's rule: the byte ranges, sorted, cover the data exactly.
    std::stable_sort(layout.tensors.begin(), layout.tensors.end(), [](const TensorEntry& a, const TensorEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t covered = 0;
    const TensorEntry* previous = nullptr;
    for (const TensorEntry& tensor : layout.tensors) {
        if (tensor.begin > covered) {
            fail("a hole in the data: bytes " + rangeText(covered, tensor.begin) + " belong to no tensor (before tensor '" +
                 tensor.name + "' at " + rangeText(tensor.begin, tensor.end) + ")");
        }
        if (tensor.begin < covered) {
            fail("tensors '" + previous->name + "' (" + rangeText(previous->begin, previous->end) + ") and '" + tensor.name +
                 "' (" + rangeText(tensor.begin, tensor.end) + ") overlap");
        }
        if (tensor.end > tensor.begin || !previous) previous = &tensor;
        covered = tensor.end;
    }
    if (covered < dataBytes) {
        fail(std::to_string(dataBytes - covered) + " trailing bytes after the last tensor: the tensors end at byte " +
             std::to_string(covered) + " of the data, which holds " + std::to_string(dataBytes));
    }
    return layout;
}

SafetensorsLayout readSafetensorsLayout(const std::filesystem::path& path) {
    const SourceLocation where{path.string(), std::nullopt, std::nullopt};
    std::error_code status;
    const std::filesystem::file_status type = std::filesystem::status(path, status);
    if (status) throw LocatedError(where, "cannot open: " + status.message());
    if (!std::filesystem::is_regular_file(type)) throw LocatedError(where, "cannot read: it is not a regular file");
    const std::uint64_t size = std::filesystem::file_size(path, status);
    if (status) throw LocatedError(where, "cannot read: " + status.message());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LocatedError(where, "cannot open");
    std::string start(static_cast<std::size_t>(std::min<std::uint64_t>(size, 8)), '\0');
    in.read(start.data(), static_cast<std::streamsize>(start.size()));
    if (start.size() == 8) {
        std::uint64_t headerBytes = 0;
        std::memcpy(&headerBytes, start.data(), 8);
        if (headerBytes <= size - 8 && headerBytes <= maxSafetensorsHeaderBytes) {
            start.resize(8 + static_cast<std::size_t>(headerBytes));
            in.read(start.data() + 8, static_cast<std::streamsize>(headerBytes));
        }
    }
    if (!in) throw LocatedError(where, "read failed (did the file change while it was read?)");
    return parseSafetensorsLayout(start, size, path.string());
}

SafetensorsFile::SafetensorsFile(std::string bytes, std::string source) : bytes_(std::move(bytes)), source_(std::move(source)) {
    layout_ = parseSafetensorsLayout(bytes_, bytes_.size(), source_);
    for (const TensorEntry& tensor : layout_.tensors) tensors_.emplace(tensor.name, tensor);
}

void SafetensorsFile::copyFloats(const std::string& name, const std::vector<std::int64_t>& shape, float* out) const {
    const auto found = tensors_.find(name);
    const SourceLocation where{source_, std::nullopt, std::nullopt};
    if (found == tensors_.end()) throw LocatedError(where, "has no tensor '" + name + "'");
    const TensorEntry& tensor = found->second;
    if (tensor.shape != shape) {
        throw LocatedError(where, "tensor '" + name + "' has shape " + shapeText(tensor.shape) + "; this model needs " +
                                      shapeText(shape));
    }
    floatsFromBytes(tensor, bytes_.data() + layout_.dataStart + tensor.begin, elements(shape), out, source_);
}

void floatsFromBytes(const TensorEntry& tensor, const char* data, std::size_t count, float* out, const std::string& source) {
    if (tensor.dtype != "F32" && tensor.dtype != "F16" && tensor.dtype != "BF16") {
        throw LocatedError({source, std::nullopt, std::nullopt},
                           "tensor '" + tensor.name + "' is " + tensor.dtype + "; PretrainLab reads F32, F16 and BF16 tensors");
    }
    if (count == 0) return;  // an empty tensor: no bytes to copy (and memcpy must not see a null pointer)
    if (tensor.dtype == "F32") {
        std::memcpy(out, data, count * sizeof(float));
        return;
    }
    for (std::size_t i = 0; i < count; ++i) {
        std::uint16_t half = 0;
        std::memcpy(&half, data + 2 * i, 2);
        // bfloat16 is the top half of a float32; IEEE half needs its exponent rebiased.
        out[i] = tensor.dtype == "BF16" ? std::bit_cast<float>(std::uint32_t(half) << 16) : halfToFloat(half);
    }
}

std::vector<float> SafetensorsFile::floats(const std::string& name, const std::vector<std::int64_t>& shape) const {
    std::vector<float> values(elements(shape));
    copyFloats(name, shape, values.data());
    return values;
}

std::string_view SafetensorsFile::bytesOf(const std::string& name) const {
    const auto found = tensors_.find(name);
    const SourceLocation where{source_, std::nullopt, std::nullopt};
    if (found == tensors_.end()) throw LocatedError(where, "has no tensor '" + name + "'");
    const TensorEntry& tensor = found->second;
    if (tensor.dtype != "U8" || tensor.shape.size() != 1) {
        throw LocatedError(where, "tensor '" + name + "' is " + tensor.dtype + " of shape " + shapeText(tensor.shape) +
                                      "; bytes are a one-dimensional U8 tensor");
    }
    return std::string_view(bytes_).substr(layout_.dataStart + tensor.begin, tensor.end - tensor.begin);
}

}  // namespace pretrainlab::train
