#include "core/nn/versions.hpp"

#include <Eigen/Core>
#include <cblas.h>

namespace pretrainlab::nn {

std::string linearAlgebraVersions() {
    std::string blas = openblas_get_config();
    while (!blas.empty() && blas.back() == ' ') blas.pop_back();
    return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION) + ", " + blas;
}

}  // namespace pretrainlab::nn
