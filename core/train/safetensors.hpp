#pragma once

// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor
// with its dtype, shape and byte range, then the tensors' bytes back to back. The reader takes any
// valid file (every dtype the format knows); PretrainLab writes float32 ("F32") tensors and reads
// F32, F16 and BF16 ones as floats.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pretrainlab::train {

struct TensorToWrite {
    std::string name;
    std::vector<std::int64_t> shape;
    const float* values = nullptr;  // shape's product of them
};

// The file's bytes: tensors in the order given, and `metadata` as the header's "__metadata__".
std::string safetensorsBytes(const std::vector<TensorToWrite>& tensors,
                             const std::map<std::string, std::string>& metadata = {});

// Runs of bytes, each a one-dimensional U8 tensor (a file format that keeps parts as tensors).
struct BytesToWrite {
    std::string name;
    std::string_view bytes;
};
std::string safetensorsOfBytes(const std::vector<BytesToWrite>& parts,
                               const std::map<std::string, std::string>& metadata = {});

// Bytes per element of a dtype the format knows (F64 F32 F16 BF16 F8_E4M3 F8_E5M2, I64 I32 I16 I8,
// U64 U32 U16 U8, BOOL); nothing for an unknown one.
std::optional<std::size_t> dtypeBytes(std::string_view dtype);

// A header larger than this is refused, as the format's reference implementation refuses it.
inline constexpr std::uint64_t maxSafetensorsHeaderBytes = 100'000'000;

struct TensorEntry {
    std::string name;
    std::string dtype;
    std::vector<std::int64_t> shape;  // [] for a scalar
    std::size_t begin = 0;  // byte range in the data (after the header)
    std::size_t end = 0;
};

// What a file's header says, checked against the format: a header of at most
// maxSafetensorsHeaderBytes of UTF-8 JSON, an object whose keys are distinct; known dtypes; each
// tensor's byte range as long as its shape and dtype need; the ranges, sorted, tiling the data from
// its first byte to the file's last, with no hole, overlap or trailing byte.
struct SafetensorsLayout {
    std::uint64_t fileBytes = 0;
    std::uint64_t headerBytes = 0;  // the length the first 8 bytes give
    std::uint64_t dataStart = 0;    // 8 + headerBytes
    std::map<std::string, std::string> metadata;
    std::vector<TensorEntry> tensors;  // in the order of their bytes
};
// `start` holds the file's first bytes, at least the 8 of the length and the header when the length
// is sane (the whole file will do); `fileBytes` is the file's size. Errors are LocatedErrors naming
// `source` and what is wrong.
SafetensorsLayout parseSafetensorsLayout(std::string_view start, std::uint64_t fileBytes, const std::string& source);
// The same from a file, reading only its length and header (a 10 GB file is not read whole).
SafetensorsLayout readSafetensorsLayout(const std::filesystem::path& path);

// `count` values of a float dtype (F32, F16 or BF16) from `data` into `out`, widened to float; a
// LocatedError naming `source` and the tensor for any other dtype.
void floatsFromBytes(const TensorEntry& tensor, const char* data, std::size_t count, float* out, const std::string& source);

// A parsed file with its bytes. Every check of the format is made here; errors are LocatedErrors
// naming the source and what is wrong ("ckpt.safetensors: tensor 'x' needs bytes 0..4096 of the
// data but the file holds 1024 (truncated?)").
class SafetensorsFile {
public:
    SafetensorsFile(std::string bytes, std::string source);

    const std::map<std::string, TensorEntry>& tensors() const { return tensors_; }
    const std::map<std::string, std::string>& metadata() const { return layout_.metadata; }
    const SafetensorsLayout& layout() const { return layout_; }
    bool has(const std::string& name) const { return tensors_.count(name) > 0; }
    // The values of a float tensor (F32, or F16 / BF16 widened) whose shape must be `shape`.
    std::vector<float> floats(const std::string& name, const std::vector<std::int64_t>& shape) const;
    // Copies them into `out` (which holds the shape's product of values).
    void copyFloats(const std::string& name, const std::vector<std::int64_t>& shape, float* out) const;
    // The bytes of a one-dimensional U8 tensor (a LocatedError for any other).
    std::string_view bytesOf(const std::string& name) const;

private:
    std::string bytes_;
    std::string source_;
    SafetensorsLayout layout_;
    std::map<std::string, TensorEntry> tensors_;
};

}  // namespace pretrainlab::train
