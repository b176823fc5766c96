#include "core/common/memory.hpp"

#include <sys/resource.h>

namespace pretrainlab {

double peakResidentMegabytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

}  // namespace pretrainlab
