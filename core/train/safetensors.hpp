#pragma once

// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor
// with its dtype, shape and byte range, then the tensors' bytes back to back. PretrainLab writes
// and reads float32 ("F32") tensors.

#include <cstdint>
#include <map>
#include <string>
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

struct TensorEntry {
    std::string dtype;
    std::vector<std::int64_t> shape;
    std::size_t begin = 0;  // byte range in the file (after the header)
    std::size_t end = 0;
};

// A parsed file. Every check of the format is made here; errors are LocatedErrors naming the
// source and what is wrong ("ckpt.safetensors: tensor 'x' needs bytes 0..4096 of the data but the
// file holds 1024 (truncated?)").
class SafetensorsFile {
public:
    SafetensorsFile(std::string bytes, std::string source);

    const std::map<std::string, TensorEntry>& tensors() const { return tensors_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    bool has(const std::string& name) const { return tensors_.count(name) > 0; }
    // The values of a float32 tensor whose shape must be `shape`.
    std::vector<float> floats(const std::string& name, const std::vector<std::int64_t>& shape) const;
    // Copies them into `out` (which holds the shape's product of values).
    void copyFloats(const std::string& name, const std::vector<std::int64_t>& shape, float* out) const;

private:
    std::string bytes_;
    std::string source_;
    std::size_t dataStart_ = 0;
    std::map<std::string, TensorEntry> tensors_;
    std::map<std::string, std::string> metadata_;
};

}  // namespace pretrainlab::train
