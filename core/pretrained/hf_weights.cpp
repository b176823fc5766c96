#include "core/pretrained/hf_weights.hpp"

#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "core/common/error.hpp"
#include "core/train/safetensors.hpp"

namespace pretrainlab::pretrained {

namespace {

using nn::Index;
using Shape = std::vector<std::int64_t>;

std::string shapeText(const Shape& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// The file's tensors by name, read one at a time (a model's file is never held whole).
class TensorSource {
public:
    TensorSource(const std::filesystem::path& path, Family family)
        : source_(path.string()), layout_(train::readSafetensorsLayout(path)), file_(path, std::ios::binary) {
        if (!file_) throw LocatedError({source_, {}, {}}, "cannot be opened for reading");
        for (const train::TensorEntry& tensor : layout_.tensors) tensors_.emplace(tensor.name, tensor);
        prefixes_ = family == Family::Gpt2 ? std::vector<std::string>{"", "transformer."}
                                           : std::vector<std::string>{"", "bert."};
    }

    const std::string& source() const { return source_; }

    // The tensor named `name` (with a prefix, or with LayerNorm's older names), checked to have
    // `shape`, into `out` as floats (an F32 tensor is read straight there).
    void readInto(const std::string& name, const Shape& shape, float* out) {
        const train::TensorEntry& tensor = find(name);
        if (tensor.shape != shape) {
            throw LocatedError({source_, {}, {}}, "tensor '" + tensor.name + "' has shape " + shapeText(tensor.shape) +
                                                      "; the model config.json describes needs " + shapeText(shape));
        }
        std::size_t count = 1;
        for (const std::int64_t n : shape) count *= static_cast<std::size_t>(n);
        const bool direct = tensor.dtype == "F32";
        char* bytes = direct ? reinterpret_cast<char*>(out) : nullptr;
        if (!direct) {
            buffer_.resize(tensor.end - tensor.begin);
            bytes = buffer_.data();
        }
        file_.seekg(static_cast<std::streamoff>(layout_.dataStart + tensor.begin));
        file_.read(bytes, static_cast<std::streamsize>(tensor.end - tensor.begin));
        if (!file_) throw LocatedError({source_, {}, {}}, "could not read tensor '" + tensor.name + "'");
        if (!direct) train::floatsFromBytes(tensor, bytes, count, out, source_);
    }
    std::vector<float> read(const std::string& name, const Shape& shape) {
        std::size_t count = 1;
        for (const std::int64_t n : shape) count *= static_cast<std::size_t>(n);
        std::vector<float> values(count);
        readInto(name, shape, values.data());
        return values;
    }

private:
    const train::TensorEntry& find(const std::string& name) const {
        std::vector<std::string> names{name};
        // LayerNorm's parameters were called gamma and beta in BERT's first checkpoints.
        const auto renamed = [&](const std::string& from, const std::string& to) {
            if (name.size() > from.size() && name.compare(name.size() - from.size(), from.size(), from) == 0 &&
                name.find("LayerNorm") != std::string::npos) {
                names.push_back(name.substr(0, name.size() - from.size()) + to);
            }
        };
        renamed(".weight", ".gamma");
        renamed(".bias", ".beta");
        for (const std::string& candidate : names) {
            for (const std::string& prefix : prefixes_) {
                if (const auto found = tensors_.find(prefix + candidate); found != tensors_.end()) return found->second;
            }
        }
        throw LocatedError({source_, {}, {}}, "has no tensor '" + name + "' (nor '" + prefixes_.back() + name +
                                                  "'), which the model config.json describes needs");
    }

    std::string source_;
    train::SafetensorsLayout layout_;
    std::ifstream file_;
    std::map<std::string, train::TensorEntry> tensors_;
    std::vector<std::string> prefixes_;
    std::vector<char> buffer_;
};

// Writes parameters by their engine names and keeps count of those written.
class Target {
public:
    explicit Target(nn::Transformer<float>& model) : parameters_(model.parameters()) {}

    float* at(const std::string& name, Index rows, Index cols) {
        const nn::ParameterInfo* info = parameters_.find(name);
        if (!info || info->rows != rows || info->cols != cols) {
            throw std::logic_error("the engine has no parameter " + name + " of " + std::to_string(rows) + " × " +
                                   std::to_string(cols));
        }
        written_.insert(name);
        return parameters_.values().data() + info->offset;
    }
    // A Linear weight stored [out, in] into the engine's [in, out], at columns [column, column + out)
    // of a parameter `width` columns wide.
    void transposed(const std::string& name, Index in, Index width, Index column, Index out, const std::vector<float>& values) {
        const nn::ConstMatrixMap<float> stored(values.data(), out, in);
        nn::MatrixMap<float>(at(name, in, width), in, width).middleCols(column, out) = stored.transpose();
    }
    // A bias into columns [column, column + size) of a [1, width] parameter.
    void slice(const std::string& name, Index width, Index column, const std::vector<float>& values) {
        std::copy(values.begin(), values.end(), at(name, 1, width) + column);
    }
    void requireAllWritten() const {
        for (const nn::ParameterInfo& info : parameters_.infos()) {
            if (!written_.count(info.name)) throw std::logic_error("the model's parameter " + info.name + " was not loaded");
        }
    }

private:
    nn::Parameters<float>& parameters_;
    std::set<std::string> written_;
};

// As stored: a matrix [rows, cols], or a vector of `cols` into a [1, cols] parameter.
void copyAsStored(TensorSource& file, Target& to, const std::string& engine, const std::string& hf, Index rows, Index cols) {
    file.readInto(hf, {rows, cols}, to.at(engine, rows, cols));
}
void copyRow(TensorSource& file, Target& to, const std::string& engine, const std::string& hf, Index cols) {
    file.readInto(hf, {cols}, to.at(engine, 1, cols));
}

void loadGpt2(TensorSource& file, const nn::ModelConfig& c, Target& to, const Progress& progress) {
    const Index d = c.width, f = c.ffn(), v = c.vocabulary;
    const auto same = [&](const std::string& engine, const std::string& hf, Index rows, Index cols) { copyAsStored(file, to, engine, hf, rows, cols); };
    const auto oneRow = [&](const std::string& engine, const std::string& hf, Index cols) { copyRow(file, to, engine, hf, cols); };
    same("token_embedding.weight", "wte.weight", v, d);
    same("position_embedding.weight", "wpe.weight", c.context, d);
    for (Index i = 0; i < c.layers; ++i) {
        if (progress.stopRequested()) throw Cancelled();
        progress(double(i) / double(c.layers));
        const std::string e = "blocks." + std::to_string(i) + ".";
        const std::string h = "h." + std::to_string(i) + ".";
        oneRow(e + "norm1.weight", h + "ln_1.weight", d);
        oneRow(e + "norm1.bias", h + "ln_1.bias", d);
        same(e + "attention.qkv.weight", h + "attn.c_attn.weight", d, 3 * d);  // Conv1D: [in, out] already
        oneRow(e + "attention.qkv.bias", h + "attn.c_attn.bias", 3 * d);
        same(e + "attention.output.weight", h + "attn.c_proj.weight", d, d);
        oneRow(e + "attention.output.bias", h + "attn.c_proj.bias", d);
        oneRow(e + "norm2.weight", h + "ln_2.weight", d);
        oneRow(e + "norm2.bias", h + "ln_2.bias", d);
        same(e + "mlp.fc.weight", h + "mlp.c_fc.weight", d, f);
        oneRow(e + "mlp.fc.bias", h + "mlp.c_fc.bias", f);
        same(e + "mlp.projection.weight", h + "mlp.c_proj.weight", f, d);
        oneRow(e + "mlp.projection.bias", h + "mlp.c_proj.bias", d);
    }
    oneRow("final_norm.weight", "ln_f.weight", d);
    oneRow("final_norm.bias", "ln_f.bias", d);
}

void loadBert(TensorSource& file, const nn::ModelConfig& c, Target& to, const Progress& progress) {
    const Index d = c.width, f = c.ffn(), v = c.vocabulary;
    const auto same = [&](const std::string& engine, const std::string& hf, Index rows, Index cols) { copyAsStored(file, to, engine, hf, rows, cols); };
    const auto oneRow = [&](const std::string& engine, const std::string& hf, Index cols) { copyRow(file, to, engine, hf, cols); };
    // A Linear layer: weight [out, in] transposed, bias as it is.
    const auto linear = [&](const std::string& engine, const std::string& hf, Index in, Index out) {
        to.transposed(engine + ".weight", in, out, 0, out, file.read(hf + ".weight", {out, in}));
        to.slice(engine + ".bias", out, 0, file.read(hf + ".bias", {out}));
    };
    const auto norm = [&](const std::string& engine, const std::string& hf) {
        oneRow(engine + ".weight", hf + ".weight", d);
        oneRow(engine + ".bias", hf + ".bias", d);
    };
    same("token_embedding.weight", "embeddings.word_embeddings.weight", v, d);
    same("position_embedding.weight", "embeddings.position_embeddings.weight", c.context, d);
    same("segment_embedding.weight", "embeddings.token_type_embeddings.weight", c.segments, d);
    norm("embedding_norm", "embeddings.LayerNorm");
    for (Index i = 0; i < c.layers; ++i) {
        if (progress.stopRequested()) throw Cancelled();
        progress(double(i) / double(c.layers));
        const std::string e = "blocks." + std::to_string(i) + ".";
        const std::string h = "encoder.layer." + std::to_string(i) + ".";
        // Query, key and value side by side: the engine's one [d, 3d] projection.
        const char* parts[] = {"query", "key", "value"};
        for (Index k = 0; k < 3; ++k) {
            const std::string hf = h + "attention.self." + parts[k];
            to.transposed(e + "attention.qkv.weight", d, 3 * d, k * d, d, file.read(hf + ".weight", {d, d}));
            to.slice(e + "attention.qkv.bias", 3 * d, k * d, file.read(hf + ".bias", {d}));
        }
        linear(e + "attention.output", h + "attention.output.dense", d, d);
        norm(e + "norm1", h + "attention.output.LayerNorm");
        linear(e + "mlp.fc", h + "intermediate.dense", d, f);
        linear(e + "mlp.projection", h + "output.dense", f, d);
        norm(e + "norm2", h + "output.LayerNorm");
    }
    linear("mlm.transform", "cls.predictions.transform.dense", d, d);
    norm("mlm.norm", "cls.predictions.transform.LayerNorm");
    oneRow("mlm.bias", "cls.predictions.bias", v);
}

}  // namespace

void loadHfWeights(const std::filesystem::path& path, const HfConfig& config, nn::Transformer<float>& model,
                   const Progress& progress) {
    TensorSource file(path, config.family);
    Target to(model);
    if (config.family == Family::Gpt2) loadGpt2(file, config.model, to, progress);
    else loadBert(file, config.model, to, progress);
    to.requireAllWritten();
    progress(1.0);
}

}  // namespace pretrainlab::pretrained
