#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/nn/tensor.hpp"

namespace pretrainlab::nn {

using ParameterId = std::size_t;

struct ParameterInfo {
    std::string name;   // "blocks.0.attention.qkv.weight"
    std::string group;  // "embeddings", "blocks.0", "head", ... (what can be frozen together)
    std::size_t offset = 0;
    Index rows = 0;
    Index cols = 1;
    std::size_t size() const { return static_cast<std::size_t>(rows * cols); }
};

// Every parameter of a model in one flat array, each seen through an Eigen map. Gradients and
// optimizer state are flat arrays of the same length, indexed by the same offsets.
template <typename S>
class Parameters {
public:
    ParameterId add(const std::string& name, const std::string& group, Index rows, Index cols);
    // Room for `count` values, so that adding up to that many never moves the store.
    void reserve(std::size_t count) { values_.reserve(count); }

    MatrixMap<S> operator[](ParameterId id) {
        const ParameterInfo& info = infos_[id];
        return {values_.data() + info.offset, info.rows, info.cols};
    }
    ConstMatrixMap<S> operator[](ParameterId id) const {
        const ParameterInfo& info = infos_[id];
        return {values_.data() + info.offset, info.rows, info.cols};
    }
    // The same place in a flat array of gradients (or moments).
    MatrixMap<S> in(FlatArray<S>& flat, ParameterId id) const {
        const ParameterInfo& info = infos_[id];
        return {flat.data() + info.offset, info.rows, info.cols};
    }

    const std::vector<ParameterInfo>& infos() const { return infos_; }
    const ParameterInfo* find(const std::string& name) const;
    FlatArray<S>& values() { return values_; }
    const FlatArray<S>& values() const { return values_; }
    std::size_t size() const { return values_.size(); }
    // Offsets [begin, end) of every parameter in `group` (and groups starting with "group.").
    std::vector<std::pair<std::size_t, std::size_t>> rangesOf(const std::string& group) const;

private:
    std::vector<ParameterInfo> infos_;
    FlatArray<S> values_;
};

extern template class Parameters<float>;
extern template class Parameters<double>;

}  // namespace pretrainlab::nn
