#pragma once

#include <string>

namespace pretrainlab::nn {

// The linear algebra the engine runs on, for an About box:
// "Eigen 3.4.0, OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
std::string linearAlgebraVersions();

}  // namespace pretrainlab::nn
