#include "core/nn/parameters.hpp"

namespace pretrainlab::nn {

template <typename S>
ParameterId Parameters<S>::add(const std::string& name, const std::string& group, Index rows, Index cols) {
    ParameterInfo info{name, group, values_.size(), rows, cols};
    values_.resize(values_.size() + info.size(), S(0));
    infos_.push_back(std::move(info));
    return infos_.size() - 1;
}

template <typename S>
const ParameterInfo* Parameters<S>::find(const std::string& name) const {
    for (const ParameterInfo& info : infos_) {
        if (info.name == name) return &info;
    }
    return nullptr;
}

template <typename S>
std::vector<std::pair<std::size_t, std::size_t>> Parameters<S>::rangesOf(const std::string& group) const {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const ParameterInfo& info : infos_) {
        if (info.group == group || info.group.rfind(group + ".", 0) == 0) {
            ranges.emplace_back(info.offset, info.offset + info.size());
        }
    }
    return ranges;
}

template class Parameters<float>;
template class Parameters<double>;

}  // namespace pretrainlab::nn
